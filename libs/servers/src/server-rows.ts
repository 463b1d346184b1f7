import type { SecretCipher } from '#secrets';
import type { CreateServerDto, UpdateServerDto } from './dto/server.dto.js';
import type { SecretField, ServerRecord, SshAuthType } from './server.record.js';
import type { NewServerRow, ServerRowChanges } from './servers.repository.js';
import { assertUsablePrivateKey, invalidField } from './server-input-errors.js';

type SecretInput = string | null | undefined;

/** API field name -> store column of each secret. */
const SECRET_INPUTS: Record<
  SecretField,
  'password' | 'ssh_password' | 'ssh_private_key' | 'ssh_key_passphrase'
> = {
  pg_password: 'password',
  ssh_password: 'ssh_password',
  ssh_private_key: 'ssh_private_key',
  ssh_key_passphrase: 'ssh_key_passphrase',
};

/** Row for a new server: secrets sealed, SSH settings checked for consistency. */
export function toNewRow(input: CreateServerDto, cipher: SecretCipher): NewServerRow {
  const sshAuthType = input.ssh_auth_type ?? (nonEmpty(input.ssh_private_key) ? 'key' : 'password');
  const plain = {
    ssh_private_key: nonEmpty(input.ssh_private_key),
    ssh_key_passphrase: nonEmpty(input.ssh_key_passphrase),
  };
  assertSshCredentials(input.ssh_user ?? null, sshAuthType, {
    password: nonEmpty(input.ssh_password) !== undefined,
    key: plain.ssh_private_key !== undefined,
  });
  if (plain.ssh_private_key)
    assertUsablePrivateKey(plain.ssh_private_key, plain.ssh_key_passphrase);
  return {
    name: input.name,
    host: input.host,
    port: input.port,
    pg_user: input.user,
    database: input.database ?? 'postgres',
    ssl_mode: input.ssl_mode ?? 'disable',
    ssh_user: input.ssh_user ?? null,
    ssh_port: input.ssh_port ?? 22,
    ssh_auth_type: sshAuthType,
    ssh_host_key: input.ssh_host_key ?? null,
    stats_db: input.stats_db ?? null,
    ...sealAll(input, cipher),
  };
}

/**
 * Changes for PUT: omitted fields keep their value; secrets sent empty or omitted are kept,
 * `null` removes them. Moving the server (host or SSH port) forgets a host key recorded at
 * first contact unless the request pins one.
 */
export function toRowChanges(
  current: ServerRecord,
  input: UpdateServerDto,
  cipher: SecretCipher,
): ServerRowChanges {
  const sshUser = input.ssh_user === undefined ? current.sshUser : input.ssh_user;
  const sshAuthType =
    input.ssh_auth_type ?? (nonEmpty(input.ssh_private_key) ? 'key' : current.sshAuthType);
  const after = (field: SecretField): boolean =>
    secretAfterUpdate(input[SECRET_INPUTS[field]], current.sealed[field] !== null);
  assertSshCredentials(sshUser, sshAuthType, {
    password: after('ssh_password'),
    key: after('ssh_private_key'),
  });
  checkChangedKey(current, input, cipher);
  const moved =
    (input.host !== undefined && input.host !== current.host) ||
    (input.ssh_port !== undefined && input.ssh_port !== current.sshPort);
  return {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.host !== undefined && { host: input.host }),
    ...(input.port !== undefined && { port: input.port }),
    ...(input.user !== undefined && { pg_user: input.user }),
    ...(input.database !== undefined && { database: input.database }),
    ...(input.ssl_mode !== undefined && { ssl_mode: input.ssl_mode }),
    ...(input.ssh_user !== undefined && { ssh_user: input.ssh_user }),
    ...(input.ssh_port !== undefined && { ssh_port: input.ssh_port }),
    ssh_auth_type: sshAuthType,
    ...(input.stats_db !== undefined && { stats_db: input.stats_db }),
    ...(input.ssh_host_key !== undefined
      ? { ssh_host_key: input.ssh_host_key }
      : moved && { ssh_host_key: null }),
    ...resealStale(current, input, cipher),
    ...sealChanged(input, cipher),
  };
}

/**
 * Kept secrets sealed with an older key (now in ENCRYPTION_KEY_PREVIOUS) are sealed again with
 * the current one, so saving a server completes a key rotation for it.
 */
function resealStale(
  current: ServerRecord,
  input: UpdateServerDto,
  cipher: SecretCipher,
): Partial<Record<SecretField, string>> {
  const resealed: Partial<Record<SecretField, string>> = {};
  for (const [field, inputName] of entries()) {
    const sealed = current.sealed[field];
    const kept = input[inputName] === undefined || input[inputName] === '';
    if (kept && sealed !== null && cipher.isStale(sealed))
      resealed[field] = cipher.seal(cipher.open(sealed, field), field);
  }
  return resealed;
}

function sealAll(input: CreateServerDto, cipher: SecretCipher): Record<SecretField, string | null> {
  const sealed = {} as Record<SecretField, string | null>;
  for (const [field, inputName] of entries()) {
    const value = nonEmpty(input[inputName]);
    sealed[field] = value === undefined ? null : cipher.seal(value, field);
  }
  return sealed;
}

function sealChanged(
  input: UpdateServerDto,
  cipher: SecretCipher,
): Partial<Record<SecretField, string | null>> {
  const sealed: Partial<Record<SecretField, string | null>> = {};
  for (const [field, inputName] of entries()) {
    const value: SecretInput = input[inputName];
    if (value === null) sealed[field] = null;
    else if (value !== undefined && value !== '') sealed[field] = cipher.seal(value, field);
  }
  return sealed;
}

/** A new key (or passphrase) must decrypt with the passphrase (or key) it will be used with. */
function checkChangedKey(
  current: ServerRecord,
  input: UpdateServerDto,
  cipher: SecretCipher,
): void {
  const newKey = nonEmpty(input.ssh_private_key);
  const newPassphrase = nonEmpty(input.ssh_key_passphrase);
  if (newKey === undefined && newPassphrase === undefined) return;
  const key = newKey ?? openIfSet(current.sealed.ssh_private_key, 'ssh_private_key', cipher);
  if (key === undefined) return;
  const passphrase =
    input.ssh_key_passphrase === null
      ? undefined
      : (newPassphrase ??
        openIfSet(current.sealed.ssh_key_passphrase, 'ssh_key_passphrase', cipher));
  assertUsablePrivateKey(key, passphrase);
}

function assertSshCredentials(
  sshUser: string | null,
  authType: SshAuthType,
  has: { password: boolean; key: boolean },
): void {
  if (!sshUser) return;
  if (authType === 'key' && !has.key)
    throw invalidField('ssh_private_key', 'ssh_private_key is required when ssh_auth_type is key');
  if (authType === 'password' && !has.password) {
    throw invalidField(
      'ssh_password',
      'ssh_password is required when ssh_user is set (or use ssh_auth_type key)',
    );
  }
}

function secretAfterUpdate(value: SecretInput, stored: boolean): boolean {
  if (value === null) return false;
  return value === undefined || value === '' ? stored : true;
}

function openIfSet(
  sealed: string | null,
  field: SecretField,
  cipher: SecretCipher,
): string | undefined {
  return sealed === null ? undefined : cipher.open(sealed, field);
}

function nonEmpty(value: SecretInput): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : value;
}

function entries(): [SecretField, (typeof SECRET_INPUTS)[SecretField]][] {
  return Object.entries(SECRET_INPUTS) as [SecretField, (typeof SECRET_INPUTS)[SecretField]][];
}
