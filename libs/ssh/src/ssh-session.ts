import { Socket } from 'node:net';
import type { ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2';
import { HostKeyCheck } from './host-key.js';
import { authMethodFor } from './ssh-auth.js';
import { SshError, toSshError } from './ssh-errors.js';
import { ssh2Library } from './ssh2-library.js';
import type { SshTarget } from './ssh.types.js';

/** After a polite disconnect, how long the server gets to close its side before we cut. */
const CLOSE_GRACE_MS = 1000;
/**
 * A banner and a key exchange take a few KiB; a server that sends more before the handshake
 * completed is flooding (ssh2 would parse it until the deadline, a core's worth of work).
 */
const MAX_BYTES_BEFORE_HANDSHAKE = 1024 * 1024;

export interface ExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * One ssh2 Client, one TCP connection: connect (host key checked before authentication),
 * then SFTP or exec on it. Whoever creates a session calls close() or destroy() on it;
 * withSession() does both, on every path.
 */
export class SshSession {
  private readonly client = new (ssh2Library().Client)();
  /**
   * Our own socket, handed to ssh2: ssh2's destroy() and end() do nothing once the socket is no
   * longer writable (after a polite end, or when the server half-closed), which left a flooding
   * or silent server connected for as long as it liked.
   */
  private readonly socket = new Socket();
  private readonly hostKeyCheck: HostKeyCheck;
  private connectStarted = false;
  private flooded = false;
  private ended = false;
  private markClosed!: () => void;
  /** Resolves once the socket is gone. */
  readonly closed = new Promise<void>((resolve) => (this.markClosed = resolve));

  /**
   * `onHostKeyVerified` is called once the key exchange completed: the server proved it holds
   * the host key (ssh2 checked its signature), and no credential has been sent yet.
   */
  constructor(
    private readonly target: SshTarget,
    onHostKeyVerified?: (fingerprint: string) => void,
  ) {
    this.hostKeyCheck = new HostKeyCheck(target.pinnedHostKey);
    // ssh2 also emits errors after a failure was reported (e.g. on the way down): without a
    // listener they would crash the process.
    this.client.on('error', () => undefined);
    this.client.once('close', () => this.markClosed());
    this.socket.once('close', () => this.markClosed());
    this.client.once('handshake', () => {
      const fingerprint = this.hostKeyCheck.seen;
      if (fingerprint !== undefined) onHostKeyVerified?.(fingerprint);
    });
  }

  /** Fingerprint of the host key the server presented (set once connect() succeeded). */
  get hostKey(): string | undefined {
    return this.hostKeyCheck.seen;
  }

  /** Connects and authenticates; the handshake and login get at most `readyTimeoutMs`. */
  async connect(readyTimeoutMs: number): Promise<void> {
    if (this.ended) throw new SshError('protocol_error', { detail: 'session already closed' });
    const config = this.connectConfig(readyTimeoutMs);
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => settle(error);
      const onClose = () => settle(undefined);
      const settle = (error: Error | undefined) => {
        this.client.off('ready', onReady).off('error', onError).off('close', onClose);
        reject(this.connectFailure(error));
      };
      const onReady = () => {
        this.client.off('error', onError).off('close', onClose);
        resolve();
      };
      this.client.once('ready', onReady).once('error', onError).once('close', onClose);
      try {
        // Connecting before ssh2 sees the socket: ssh2 takes an idle socket as connected.
        this.socket.connect({ host: this.target.host, port: this.target.port });
        this.connectStarted = true;
        this.client.connect(config);
        this.limitBytesBeforeHandshake();
      } catch (error) {
        settle(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Starts the SFTP subsystem; rejects with ssh2's own error so callers can fall back. */
  openSftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => {
      try {
        this.client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Runs `command` (built by the caller from fixed text and quoted arguments only). */
  exec(command: string, maxOutputBytes: number): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      try {
        this.client.exec(command, (error, channel) => {
          if (error) reject(toSshError(error));
          else collectOutput(channel, maxOutputBytes).then(resolve, reject);
        });
      } catch (error) {
        reject(toSshError(error));
      }
    });
  }

  /** Polite disconnect; the socket is destroyed anyway if the server lingers. */
  close(): void {
    this.ended = true;
    if (!this.connectStarted) return this.markClosed();
    this.client.end();
    const timer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    timer.unref();
    void this.closed.then(() => clearTimeout(timer));
  }

  /** Cuts the connection at once (deadline passed, application shutting down). */
  destroy(): void {
    this.ended = true;
    if (!this.connectStarted) return this.markClosed();
    this.socket.destroy();
  }

  private connectConfig(readyTimeoutMs: number): ConnectConfig {
    return {
      sock: this.socket,
      username: this.target.username,
      authHandler: [authMethodFor(this.target)],
      hostVerifier: this.hostKeyCheck.verify,
      readyTimeout: Math.max(1, Math.ceil(readyTimeoutMs)),
      // Sessions last one short operation, bounded by the caller's deadline.
      keepaliveInterval: 0,
    };
  }

  /**
   * Cuts a server that sends more than MAX_BYTES_BEFORE_HANDSHAKE before the handshake. Called
   * after ssh2 paused the socket, so listening does not start the data flowing early.
   */
  private limitBytesBeforeHandshake(): void {
    let received = 0;
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= MAX_BYTES_BEFORE_HANDSHAKE) return;
      this.flooded = true;
      this.socket.destroy();
    };
    this.socket.on('data', count);
    this.client.once('handshake', () => this.socket.off('data', count));
  }

  private connectFailure(error: Error | undefined): SshError {
    if (this.hostKeyCheck.refused) return this.hostKeyCheck.error();
    if (this.flooded) {
      return new SshError('protocol_error', {
        detail: `more than ${MAX_BYTES_BEFORE_HANDSHAKE} bytes before the handshake completed`,
      });
    }
    if (error) return toSshError(error);
    return new SshError('protocol_error', { detail: 'connection closed during the handshake' });
  }
}

/** Collects a channel's output up to a limit; more output than that is refused, not trimmed. */
function collectOutput(channel: ClientChannel, maxBytes: number): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let exitCode: number | null = null;
    const take = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void into.push(chunk);
      channel.removeAllListeners('data');
      channel.stderr.removeAllListeners('data');
      channel.close();
      reject(new SshError('command_failed', { detail: `output exceeds ${maxBytes} bytes` }));
    };
    channel.on('data', take(stdout));
    channel.stderr.on('data', take(stderr));
    channel.on('exit', (code: number | null) => (exitCode = code));
    channel.on('close', () => {
      const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');
      resolve({ exitCode, stdout: text(stdout), stderr: text(stderr) });
    });
  });
}

export interface SessionLimits {
  /** Deadline of the whole operation: connect, authenticate, work. */
  timeoutMs: number;
  /** Aborted when the application shuts down. */
  signal: AbortSignal;
  /** Sessions still open, so that a shutdown can close them. */
  live: Set<SshSession>;
  /** See the SshSession constructor. */
  onHostKeyVerified?: (fingerprint: string) => void;
}

/**
 * Opens a session, runs `work` on it and closes it, whatever happens: politely after success,
 * at once after a failure (a server that floods or stalls gets no grace). Past the deadline (or
 * on shutdown) the connection is destroyed and the call rejects at once, even if the server
 * never answers.
 */
export async function withSession<T>(
  target: SshTarget,
  limits: SessionLimits,
  work: (session: SshSession) => Promise<T>,
): Promise<T> {
  const session = new SshSession(target, limits.onHostKeyVerified);
  limits.live.add(session);
  void session.closed.then(() => limits.live.delete(session));
  const stop = interruption(limits, () => session.destroy());
  let done = false;
  try {
    const run = async () => {
      await session.connect(limits.timeoutMs);
      return work(session);
    };
    const result = await Promise.race([run(), stop.promise]);
    done = true;
    return result;
  } finally {
    stop.dispose();
    if (done) session.close();
    else session.destroy();
  }
}

function interruption(limits: SessionLimits, cut: () => void) {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: () => void = () => undefined;
  const promise = new Promise<never>((_resolve, reject) => {
    const fire = (error: SshError) => {
      cut();
      reject(error);
    };
    onAbort = () => fire(new SshError('protocol_error', { reason: 'shutting down' }));
    const detail = `no result within ${limits.timeoutMs} ms`;
    timer = setTimeout(() => fire(new SshError('timeout', { detail })), limits.timeoutMs);
    if (limits.signal.aborted) onAbort();
    else limits.signal.addEventListener('abort', onAbort, { once: true });
  });
  const dispose = () => {
    clearTimeout(timer);
    limits.signal.removeEventListener('abort', onAbort);
  };
  return { promise, dispose };
}
