import type { SecretCipher } from '#secrets';
import type { CreateServerDto, UpdateServerDto } from './dto/server.dto.js';
import type { SecretField, ServerRecord, SshAuthType } from './server.record.js';
import type { NewServerRow, ServerRowChanges } from './servers.repository.js';
import { assertUsablePrivateKey, invalidFields, type FieldIssue } from './server-input-errors.js';
import { movesOf, SENT_AGAIN, type ServerMoves } from './server-moves.js';

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

/**
 * Row for a new server: secrets sealed, SSH settings checked for consistency. A managed key
 * (ssh_key_id) replaces a key of the server's own: its passphrase is kept with the key, so a
 * passphrase sent along is not stored.
 */
export function toNewRow(input: CreateServerDto, cipher: SecretCipher): NewServerRow {
  const ownKey = nonEmpty(input.ssh_private_key);
  const keyRef = input.ssh_key_id ?? null;
  if (ownKey !== undefined && keyRef !== null) throw invalidFields([ONE_KEY]);
  const sshAuthType =
    input.ssh_auth_type ?? (ownKey !== undefined || keyRef !== null ? 'key' : 'password');
  const usesManagedKey = sshAuthType === 'key' && keyRef !== null;
  const missing = missingSshCredential(input.ssh_user ?? null, sshAuthType, {
    password: nonEmpty(input.ssh_password) !== undefined,
    key: ownKey !== undefined || usesManagedKey,
  });
  if (missing) throw invalidFields([missing]);
  if (ownKey) assertUsablePrivateKey(ownKey, nonEmpty(input.ssh_key_passphrase));
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
    ssh_key_id: usesManagedKey ? keyRef : null,
    ...(usesManagedKey && OWN_KEY_REMOVED),
  };
}

/**
 * Changes for PUT: omitted fields keep their value; secrets sent empty or omitted are kept,
 * `null` removes them. A request that changes where a stored secret would go must send it
 * again, and the SSH secrets not sent with such a move are removed: each secret is only ever
 * used where it was given for. Moving to another host or SSH port forgets a host key recorded
 * at first contact unless the request pins one. A managed key (ssh_key_id) stays through a move:
 * public-key authentication never sends the private key to the host, and the operator does not
 * hold that key to send it again. Password authentication drops the reference.
 */
export function toRowChanges(
  current: ServerRecord,
  input: UpdateServerDto,
  cipher: SecretCipher,
): ServerRowChanges {
  const moves = movesOf(current, input);
  const sshUser = input.ssh_user === undefined ? current.sshUser : input.ssh_user;
  const ownKey = nonEmpty(input.ssh_private_key);
  if (ownKey !== undefined && input.ssh_key_id) throw invalidFields([ONE_KEY]);
  const sshAuthType =
    input.ssh_auth_type ?? (ownKey !== undefined || input.ssh_key_id ? 'key' : current.sshAuthType);
  const keyRef = managedKeyAfter(current, input);
  const usesManagedKey = sshAuthType === 'key' && keyRef !== null;
  const after = (field: SecretField): boolean =>
    moves.ssh
      ? nonEmpty(input[SECRET_INPUTS[field]]) !== undefined
      : secretAfterUpdate(input[SECRET_INPUTS[field]], current.sealed[field] !== null);
  const missing = [
    passwordNotSentAgain(current, input, moves),
    missingSshCredential(
      sshUser,
      sshAuthType,
      { password: after('ssh_password'), key: usesManagedKey || after('ssh_private_key') },
      moves.ssh,
    ),
  ].filter((issue) => issue !== undefined);
  if (missing.length > 0) throw invalidFields(missing);
  if (!usesManagedKey) checkChangedKey(current, input, cipher, moves);
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
      : moves.sshHost && { ssh_host_key: null }),
    ...resealStale(current, input, cipher),
    ...(moves.ssh && SSH_SECRETS_REMOVED),
    ...sealChanged(input, cipher),
    ssh_key_id: usesManagedKey ? keyRef : null,
    ...(usesManagedKey && OWN_KEY_REMOVED),
  };
}

/** The managed key after the change: the one sent, none when a key of its own is sent, else kept. */
function managedKeyAfter(current: ServerRecord, input: UpdateServerDto): string | null {
  if (input.ssh_key_id !== undefined) return input.ssh_key_id;
  if (nonEmpty(input.ssh_private_key) !== undefined) return null;
  return current.sshKey?.id ?? null;
}

const ONE_KEY: FieldIssue = {
  field: 'ssh_key_id',
  msg: 'send either ssh_private_key (a key of the server’s own) or ssh_key_id (a managed key), not both',
};

/** A server that uses a managed key keeps no key (or passphrase) of its own. */
const OWN_KEY_REMOVED = { ssh_private_key: null, ssh_key_passphrase: null } as const;

/** The SSH secrets of a moved server, before the ones sent with the move are sealed over them. */
const SSH_SECRETS_REMOVED = {
  ssh_password: null,
  ssh_private_key: null,
  ssh_key_passphrase: null,
} as const;

/** When the stored PostgreSQL password would go to a new place without being sent again. */
function passwordNotSentAgain(
  current: ServerRecord,
  input: UpdateServerDto,
  moves: ServerMoves,
): FieldIssue | undefined {
  const stored = current.sealed.pg_password !== null;
  const kept = input.password !== null && nonEmpty(input.password) === undefined;
  return moves.pg && stored && kept ? { field: 'password', msg: SENT_AGAIN.pg } : undefined;
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

/**
 * A new key (or passphrase) must decrypt with the passphrase (or key) it will be used with. A
 * moved server keeps no stored SSH secret, so its passphrase goes with its key.
 */
function checkChangedKey(
  current: ServerRecord,
  input: UpdateServerDto,
  cipher: SecretCipher,
  moves: ServerMoves,
): void {
  const newKey = nonEmpty(input.ssh_private_key);
  const newPassphrase = nonEmpty(input.ssh_key_passphrase);
  if (newKey === undefined && newPassphrase === undefined) return;
  const stored = (field: SecretField) =>
    moves.ssh ? undefined : openIfSet(current.sealed[field], field, cipher);
  const key = newKey ?? stored('ssh_private_key');
  if (key === undefined) return;
  const passphrase =
    input.ssh_key_passphrase === null ? undefined : (newPassphrase ?? stored('ssh_key_passphrase'));
  assertUsablePrivateKey(key, passphrase);
}

/** The SSH credential the server would log in with, when it is missing. */
function missingSshCredential(
  sshUser: string | null,
  authType: SshAuthType,
  has: { password: boolean; key: boolean },
  moved = false,
): FieldIssue | undefined {
  if (!sshUser) return undefined;
  const again = moved ? `; ${SENT_AGAIN.ssh}` : '';
  if (authType === 'key' && !has.key) {
    return {
      field: 'ssh_private_key',
      msg: `ssh_private_key is required when ssh_auth_type is key${again}`,
    };
  }
  if (authType === 'password' && !has.password) {
    return {
      field: 'ssh_password',
      msg: `ssh_password is required when ssh_user is set (or use ssh_auth_type key)${again}`,
    };
  }
  return undefined;
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
