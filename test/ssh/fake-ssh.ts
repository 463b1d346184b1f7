/**
 * Fake SSH servers on loopback, built on ssh2's own Server: well-formed SSH that records what a
 * client sends (every password), and can be told to accept any login and then misbehave.
 */
import ssh2, { type AuthContext, type Connection, type Session } from 'ssh2';
import { fingerprintOf } from '#ssh';
import { ed25519KeyPairSync } from '#ssh-keys';
import { startTcpServer, type TcpServer } from '../support/tcp-server.js';

/** What the server does once a client logged in (any password is accepted then). */
export type AfterLogin = (session: Session, connection: Connection) => void;

export interface FakeSshd extends TcpServer {
  /** SHA256 fingerprint of its host key, as pgmon records it. */
  hostKeyFingerprint: string;
  /** Every password a client offered. */
  readonly passwords: string[];
}

export interface FakeSshdOptions {
  /** Accept every login and hand the session to this; default: refuse every login. */
  afterLogin?: AfterLogin;
}

export async function startFakeSshd(options: FakeSshdOptions = {}): Promise<FakeSshd> {
  const hostKey = ed25519KeyPairSync();
  const parsed = ssh2.utils.parseKey(hostKey.public);
  if (parsed instanceof Error) throw parsed;
  const passwords: string[] = [];
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
  const tcp = await startTcpServer((socket) => ssh.injectSocket(socket));
  return Object.assign(tcp, {
    hostKeyFingerprint: fingerprintOf(parsed.getPublicSSH()),
    passwords,
  });
}
