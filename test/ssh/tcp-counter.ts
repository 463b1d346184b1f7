import net from 'node:net';

/**
 * A loopback TCP relay in front of a real server that counts connections: every SSH session
 * is one TCP connection, so `accepted` counts sessions and `open` shows leaked sockets.
 * Without an upstream it accepts and hangs up at once (a host that dies mid-handshake); the
 * upstream can be changed between connections (a server whose host key changes).
 */
export interface TcpCounter {
  port: number;
  /** Where new connections go (a server whose host key changes); undefined: hang up. */
  upstream: number | undefined;
  readonly accepted: number;
  readonly open: number;
  close(): Promise<void>;
}

export async function startTcpCounter(upstreamPort?: number): Promise<TcpCounter> {
  let accepted = 0;
  let upstream = upstreamPort;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    accepted++;
    track(client);
    if (upstream === undefined) return void client.destroy();
    const relayed = net.connect({ host: '127.0.0.1', port: upstream });
    track(relayed);
    client.pipe(relayed).pipe(client);
    client.on('close', () => relayed.destroy());
    relayed.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    get upstream() {
      return upstream;
    },
    set upstream(port: number | undefined) {
      upstream = port;
    },
    get accepted() {
      return accepted;
    },
    /** Client-side sockets still open (the relay's upstream halves are not counted). */
    get open() {
      return [...sockets].filter((s) => s.localPort === port).length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
