import pg from 'pg';

type ConnectCallback = ((err: Error) => void) | ((err: null, c: pg.Client) => void);

/**
 * A pg client that closes its socket when connecting fails. pg leaves the socket open after a
 * failure on its own side of the login (no stored password, a password that cannot be
 * decrypted), and the server then holds that connection slot until authentication_timeout.
 */
export class ClosingClient extends pg.Client {
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
