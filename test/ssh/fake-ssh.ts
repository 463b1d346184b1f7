/**
 * Fake SSH servers on loopback, built on ssh2's own Server: well-formed SSH that records what a
 * client sends (every password), and can be told to accept any login and then misbehave.
 */
import net from 'node:net';
import ssh2, { type AuthContext, type Connection, type Session } from 'ssh2';
import { fingerprintOf } from '#ssh';

/** What the server does once a client logged in (any password is accepted then). */
export type AfterLogin = (session: Session, connection: Connection) => void;

export interface FakeSshd {
  port: number;
  /** SHA256 fingerprint of its host key, as pgmon records it. */
  hostKeyFingerprint: string;
  /** TCP connections accepted. */
  readonly connections: number;
  /** Every password a client offered. */
  readonly passwords: string[];
  /** Connections whose socket is still open on the server's side. */
  readonly open: number;
  close(): Promise<void>;
}

export interface FakeSshdOptions {
  /** Accept every login and hand the session to this; default: refuse every login. */
  afterLogin?: AfterLogin;
}

export async function startFakeSshd(options: FakeSshdOptions = {}): Promise<FakeSshd> {
  const hostKey = ssh2.utils.generateKeyPairSync('ed25519');
  const parsed = ssh2.utils.parseKey(hostKey.public);
  if (parsed instanceof Error) throw parsed;
  let connections = 0;
  const passwords: string[] = [];
  const sockets = new Set<net.Socket>();
  const ssh = new ssh2.Server({ hostKeys: [hostKey.private] }, (connection) => {
    connection.on('error', () => undefined);
    connection.on('authentication', (context: AuthContext) => {
      if (context.method === 'password') passwords.push(context.password);
      if (options.afterLogin && context.method !== 'none') context.accept();
      else context.reject(['password', 'publickey']);
    });
    const afterLogin = options.afterLogin;
    if (afterLogin) {
      connection.on('ready', () => {
        connection.on('session', (accept) => afterLogin(accept(), connection));
      });
    }
  });
  // Our own listener hands each socket to ssh2, so the test sees (and can close) every socket.
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    ssh.injectSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    hostKeyFingerprint: fingerprintOf(parsed.getPublicSSH()),
    get connections() {
      return connections;
    },
    passwords,
    get open() {
      return sockets.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
