import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import pg from 'pg';
import { DEFAULT_FRAME_LIMITS, guardFrames, type FrameLimits } from './frame-guard.js';

type ConnectCallback = ((err: Error) => void) | ((err: null, c: pg.Client) => void);

/** How the server asked for the password (undefined: it did not, e.g. trust). */
export type PasswordMethod = 'cleartext' | 'md5' | 'scram-sha-256';

export interface ClosingClientConfig extends pg.ClientConfig {
  /** Largest message and answer the server may send (default DEFAULT_FRAME_LIMITS). */
  frameLimits?: FrameLimits;
  /** Send the password in clear text over a connection without TLS when the server asks. */
  allowCleartextPassword?: boolean;
}

/** A clear-text password request on a connection without TLS was not answered. */
export class CleartextPasswordRefusedError extends Error {
  override readonly name = 'CleartextPasswordRefusedError';
  constructor() {
    super('the server asked for the password in clear text without TLS; it was not sent');
  }
}

/** pg's Connection as far as this class touches it (not in @types/pg). */
interface ListeningConnection {
  stream: Duplex;
  attachListeners(stream: Duplex): void;
}

/** pg's handler of AuthenticationCleartextPassword (pg/lib/client.js; not in @types/pg). */
interface PgClientInternals {
  _handleAuthCleartextPassword(message: unknown): void;
}
const sendCleartextPassword = (pg.Client.prototype as unknown as Partial<PgClientInternals>)
  ._handleAuthCleartextPassword;

/**
 * A pg client that a monitored server cannot use against pgmon:
 * - it closes its socket when connecting fails (pg leaves it open after a failure on its own
 *   side of the login, and the server then holds that slot until authentication_timeout);
 * - it cuts the connection when the server sends an oversized message or answer (see
 *   guardFrames), so a hostile server costs bounded memory;
 * - it never sends a password in clear text without TLS (unless allowed), and remembers how
 *   the server asked for the password.
 */
export class ClosingClient extends pg.Client {
  private readonly allowCleartextPassword: boolean;
  passwordMethod: PasswordMethod | undefined;

  constructor(config: ClosingClientConfig = {}) {
    super(config);
    this.allowCleartextPassword = config.allowCleartextPassword === true;
    this.connection.once('authenticationMD5Password', () => (this.passwordMethod = 'md5'));
    this.connection.once('authenticationSASL', () => (this.passwordMethod = 'scram-sha-256'));
    const limits = config.frameLimits ?? DEFAULT_FRAME_LIMITS;
    // pg attaches its protocol parser to the socket (or to the TLS stream after the upgrade)
    // in attachListeners; the guard must listen first on that same stream.
    const connection = this.connection as unknown as ListeningConnection;
    const attach = connection.attachListeners.bind(connection);
    connection.attachListeners = (stream: Duplex) => {
      guardFrames(stream, limits);
      attach(stream);
    };
  }

  override connect(): Promise<pg.Client>;
  override connect(callback: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): void;
  override connect(callback?: ConnectCallback): Promise<pg.Client> | void {
    if (!callback) {
      return super.connect().catch((error: unknown) => {
        this.closeQuietly();
        throw error;
      });
    }
    super.connect((error: Error | null) => {
      if (error) {
        this.closeQuietly();
        (callback as (err: Error) => void)(error);
      } else {
        (callback as (err: null, c: pg.Client) => void)(null, this);
      }
    });
  }

  /**
   * Overrides pg's handler (pg 8.x binds `this._handleAuthCleartextPassword` to the connection's
   * 'authenticationCleartextPassword' event when it connects; closing-client.spec checks that
   * it still does). pg would send the password as it is: anyone on the path, or a server that
   * was swapped for a listener, reads it. Without TLS it is refused unless allowed; the failed
   * connect is then closed like any other.
   */
  _handleAuthCleartextPassword(message: unknown): void {
    this.passwordMethod = 'cleartext';
    const tls = this.connection.stream instanceof TLSSocket;
    if ((tls || this.allowCleartextPassword) && sendCleartextPassword) {
      sendCleartextPassword.call(this, message);
      return;
    }
    this.connection.emit('error', new CleartextPasswordRefusedError());
  }

  private closeQuietly(): void {
    this.end().catch(() => undefined);
  }
}

/** Cuts the client's connection now (a deadline passed): pending queries fail at once. */
export function destroyClient(client: pg.ClientBase): void {
  (client as unknown as { connection: ListeningConnection }).connection.stream.destroy();
}

/** How the server asked this client for its password, when it is one of ours. */
export function passwordMethodOf(client: pg.ClientBase): PasswordMethod | undefined {
  return client instanceof ClosingClient ? client.passwordMethod : undefined;
}
