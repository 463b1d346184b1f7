import { ApiProperty } from '@nestjs/swagger';
import { SSH_AUTH_TYPES, SSL_MODES, type ServerRecord } from './server.record.js';

/** The managed key a server uses, as the upstream web UI shows it. */
export class SshKeyInfo {
  @ApiProperty({ example: 'monitoring' }) name!: string;
  @ApiProperty({ example: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU' })
  fingerprint!: string;
}

/** A server's configuration as the API shows it: secrets only as has_* flags. */
export class ServerConfigView {
  @ApiProperty({ example: 'production-db' }) name!: string;
  @ApiProperty({ example: '192.168.1.100' }) host!: string;
  @ApiProperty({ example: 5432 }) port!: number;
  @ApiProperty({ example: 'pgmon' }) user!: string;
  @ApiProperty({ example: 'root', nullable: true, type: String }) ssh_user!: string | null;
  @ApiProperty({ example: 22 }) ssh_port!: number;
  @ApiProperty({ example: 'statistics', nullable: true, type: String }) stats_db!: string | null;
  @ApiProperty({ enum: SSH_AUTH_TYPES }) ssh_auth_type!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Pinned SSH host key fingerprint' })
  ssh_host_key!: string | null;
  @ApiProperty({ example: 'postgres' }) database!: string;
  @ApiProperty({ enum: SSL_MODES }) ssl_mode!: string;
  @ApiProperty() has_password!: boolean;
  @ApiProperty() has_ssh_password!: boolean;
  @ApiProperty() has_ssh_private_key!: boolean;
  @ApiProperty() has_ssh_key_passphrase!: boolean;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The managed SSH key (GET /api/ssh-keys) the server logs in with',
  })
  ssh_key_id!: string | null;
  @ApiProperty({ type: SshKeyInfo, nullable: true }) ssh_key_info!: SshKeyInfo | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export function configView(server: ServerRecord): ServerConfigView {
  return {
    name: server.name,
    host: server.host,
    port: server.port,
    user: server.user,
    ssh_user: server.sshUser,
    ssh_port: server.sshPort,
    stats_db: server.statsDb,
    ssh_auth_type: server.sshAuthType,
    ssh_host_key: server.sshHostKey,
    database: server.database,
    ssl_mode: server.sslMode,
    has_password: server.sealed.pg_password !== null,
    has_ssh_password: server.sealed.ssh_password !== null,
    has_ssh_private_key: server.sealed.ssh_private_key !== null,
    has_ssh_key_passphrase: server.sealed.ssh_key_passphrase !== null,
    ssh_key_id: server.sshKey?.id ?? null,
    ssh_key_info: server.sshKey
      ? { name: server.sshKey.name, fingerprint: server.sshKey.fingerprint }
      : null,
    created_at: server.createdAt.toISOString(),
    updated_at: server.updatedAt.toISOString(),
  };
}
