import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { AppConfig } from '#config';

/** 429 for a locked-out client; the error filter turns `retryAfterSeconds` into Retry-After. */
export class LoginLockedException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      { detail: `Too many failed login attempts; try again in ${retryAfterSeconds} s` },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** Past this many tracked clients the oldest entries are forgotten, bounding memory. */
const MAX_TRACKED_CLIENTS = 10_000;

/**
 * Counts failed logins per client address in a sliding window. After LOGIN_MAX_FAILURES
 * failures within LOGIN_FAILURE_WINDOW seconds the client gets 429 until the oldest failure
 * leaves the window. A successful login clears the client's record.
 */
@Injectable()
export class LoginAttemptsService {
  private readonly failures = new Map<string, number[]>();
  private readonly maxFailures: number;
  private readonly windowMs: number;

  constructor(config: AppConfig) {
    this.maxFailures = config.auth.loginMaxFailures;
    this.windowMs = config.auth.loginFailureWindowSeconds * 1000;
  }

  /** Throws 429 (with Retry-After) while the client is locked out. */
  assertAllowed(client: string, now = Date.now()): void {
    const recent = this.recentFailures(client, now);
    if (recent.length < this.maxFailures) return;
    const retryAfterSeconds = Math.ceil(((recent[0] ?? now) + this.windowMs - now) / 1000);
    throw new LoginLockedException(retryAfterSeconds);
  }

  recordFailure(client: string, now = Date.now()): void {
    const recent = this.recentFailures(client, now);
    recent.push(now);
    this.failures.delete(client);
    this.failures.set(client, recent);
    if (this.failures.size > MAX_TRACKED_CLIENTS) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }

  recordSuccess(client: string): void {
    this.failures.delete(client);
  }

  private recentFailures(client: string, now: number): number[] {
    return (this.failures.get(client) ?? []).filter((at) => at > now - this.windowMs);
  }
}
