import type { Duplex } from 'node:stream';
import pg from 'pg';
import { DEFAULT_FRAME_LIMITS, guardFrames, type FrameLimits } from './frame-guard.js';

type ConnectCallback = ((err: Error) => void) | ((err: null, c: pg.Client) => void);

export interface ClosingClientConfig extends pg.ClientConfig {
  frameLimits?: FrameLimits;
}

/** pg's Connection as far as this class touches it (not in @types/pg). */
interface ListeningConnection {
  stream: Duplex;
  attachListeners(stream: Duplex): void;
}

/**
 * A pg client that a monitored server cannot use against pgmon:
 * - it closes its socket when connecting fails (pg leaves it open after a failure on its own
 *   side of the login, and the server then holds that slot until authentication_timeout);
 * - it cuts the connection when the server sends an oversized message or answer (see
 *   guardFrames), so a hostile server costs bounded memory.
 */
export class ClosingClient extends pg.Client {
  constructor(config: ClosingClientConfig = {}) {
    super(config);
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

  private closeQuietly(): void {
    this.end().catch(() => undefined);
  }
}

/** Cuts the client's connection now (a deadline passed): pending queries fail at once. */
export function destroyClient(client: pg.ClientBase): void {
  (client as unknown as { connection: ListeningConnection }).connection.stream.destroy();
}
