/**
 * Ports for servers that other processes start (PostgreSQL, sshd, redis, the API): picked free,
 * released, then bound by the child. They are taken below Linux's ephemeral range (32768 and
 * up), where the outgoing connections made meanwhile (a pg_basebackup, npm, Docker) get their
 * local ports: a port from listen(0) was once taken that way before the child bound it.
 */
import net from 'node:net';

const FIRST = 20_000;
const LAST = 32_767;
const HOST = '127.0.0.1';

/** `count` distinct ports on 127.0.0.1 that nothing listened on a moment ago. */
export async function freePorts(count: number): Promise<number[]> {
  const held: net.Server[] = [];
  try {
    for (let tries = 0; held.length < count && tries < 200; tries++) {
      const server = await bound(FIRST + Math.floor(Math.random() * (LAST - FIRST + 1)));
      if (server) held.push(server);
    }
    // Should the low range be crowded, the kernel's choice still serves.
    while (held.length < count) held.push((await bound(0)) ?? fail());
    return held.map((server) => (server.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(held.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** One port, as freePorts. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port ?? fail();
}

/** A server listening on `port` (0: any), or undefined when the port is taken. */
function bound(port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, HOST, () => resolve(server));
  });
}

function fail(): never {
  throw new Error('no free port on 127.0.0.1');
}
