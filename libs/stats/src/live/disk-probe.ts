import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '#config';
import { ServersService, ServerTargets, type ServerRecord } from '#servers';
import { SshError, SshService, sshCacheKey, type DiskUsageResult } from '#ssh';

export interface DiskFailure {
  code: string;
  /** Goes into `"ok (SSH: <reason>)"`. */
  reason: string;
  message: string;
}

export type DiskReading =
  { ok: true; result: DiskUsageResult } | { ok: false; failure: DiskFailure };

/** An SSH login without a read (test-ssh): the host key seen, or why it failed. */
export type LoginReading =
  { ok: true; hostKey: string; firstContact: boolean } | { ok: false; failure: DiskFailure };

const NOT_CONFIGURED: DiskFailure = {
  code: 'not_configured',
  reason: 'not configured',
  message: 'SSH is not configured',
};

/** Reads disk usage of a server's data directory over SSH (cached 30 s by SshService); never throws. */
@Injectable()
export class DiskProbe {
  private readonly logger = new Logger(DiskProbe.name);

  constructor(
    private readonly ssh: SshService,
    private readonly targets: ServerTargets,
    private readonly servers: ServersService,
    private readonly config: AppConfig,
  ) {}

  async read(
    server: ServerRecord,
    dataDirectory: string,
    bypassCache = false,
  ): Promise<DiskReading> {
    const target = this.targets.ssh(server);
    if (!target) return { ok: false, failure: NOT_CONFIGURED };
    try {
      const result = await this.ssh.diskUsage(target, dataDirectory, {
        cacheKey: sshCacheKey(server.id, server.generation),
        bypassCache,
        timeoutMs: this.config.targets.sshTimeoutMs,
        // Pinned at the handshake, before the login: a failed login or read still pins it.
        ...(server.sshHostKey === null && {
          onHostKeyVerified: (fingerprint: string) => this.pin(server, fingerprint),
        }),
      });
      return { ok: true, result };
    } catch (error) {
      return { ok: false, failure: describeSshFailure(error) };
    }
  }

  /** Logs in over SSH now (no cache), pinning a first-contact host key like a read. */
  async verifyLogin(server: ServerRecord): Promise<LoginReading> {
    const target = this.targets.ssh(server);
    if (!target) return { ok: false, failure: NOT_CONFIGURED };
    try {
      const login = await this.ssh.verifyLogin(target, {
        timeoutMs: this.config.targets.sshTimeoutMs,
        ...(server.sshHostKey === null && {
          onHostKeyVerified: (fingerprint: string) => this.pin(server, fingerprint),
        }),
      });
      return { ok: true, ...login };
    } catch (error) {
      return { ok: false, failure: describeSshFailure(error) };
    }
  }

  private async pin(server: ServerRecord, fingerprint: string): Promise<void> {
    if (await this.servers.pinHostKey(server, fingerprint)) {
      this.logger.log(`Recorded SSH host key ${fingerprint} of ${server.name} at first contact`);
    }
  }
}

export function describeSshFailure(error: unknown): DiskFailure {
  if (error instanceof SshError)
    return { code: error.code, reason: error.reason, message: error.message };
  return {
    code: 'unknown',
    reason: 'unknown error',
    message: 'the disk could not be read over SSH',
  };
}
