import { Injectable } from '@nestjs/common';
import type { PgTarget, PoolProfileName } from '#pool';
import { SecretCipher } from '#secrets';
import type { SshTarget } from '#ssh';
import { SSH_KEY_SECRETS } from '#ssh-keys';
import { hasSsh, type SecretField, type ServerRecord } from './server.record.js';

/**
 * How to reach a configured server: PostgreSQL targets for PoolRegistry and the SSH target for
 * disk usage. Secrets are passed as functions, so they are decrypted only when a connection opens.
 */
@Injectable()
export class ServerTargets {
  constructor(private readonly cipher: SecretCipher) {}

  pg(
    server: ServerRecord,
    database = server.database,
    profile: PoolProfileName = 'default',
  ): PgTarget {
    return {
      serverId: server.id,
      serverName: server.name,
      generation: server.generation,
      host: server.host,
      port: server.port,
      user: server.user,
      database,
      password: () => this.reveal(server, 'pg_password'),
      sslMode: server.sslMode,
      profile,
    };
  }

  /** The SSH target, or null when SSH is not configured for the server. */
  ssh(server: ServerRecord): SshTarget | null {
    if (!hasSsh(server) || !server.sshUser) return null;
    return {
      host: server.host,
      port: server.sshPort,
      username: server.sshUser,
      pinnedHostKey: server.sshHostKey,
      auth: this.sshAuth(server),
    };
  }

  /** A managed key when the server references one, else the server's own secret. */
  private sshAuth(server: ServerRecord): SshTarget['auth'] {
    if (server.sshAuthType !== 'key')
      return { type: 'password', password: () => this.reveal(server, 'ssh_password') ?? '' };
    const managed = server.sshKey;
    if (!managed) {
      return {
        type: 'key',
        privateKey: () => this.reveal(server, 'ssh_private_key') ?? '',
        passphrase: () => this.reveal(server, 'ssh_key_passphrase'),
      };
    }
    const { sealedPrivateKey, sealedPassphrase } = managed;
    return {
      type: 'key',
      privateKey: () => this.cipher.open(sealedPrivateKey, SSH_KEY_SECRETS.privateKey),
      passphrase: () =>
        sealedPassphrase === null
          ? undefined
          : this.cipher.open(sealedPassphrase, SSH_KEY_SECRETS.passphrase),
    };
  }

  private reveal(server: ServerRecord, field: SecretField): string | undefined {
    const sealed = server.sealed[field];
    return sealed === null ? undefined : this.cipher.open(sealed, field);
  }
}
