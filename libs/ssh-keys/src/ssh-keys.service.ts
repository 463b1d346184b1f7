import { randomUUID } from 'node:crypto';
import {
  ConflictException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { SecretCipher } from '#secrets';
import { AuditLogService, isForeignKeyViolation, isUniqueViolation } from '#store';
import type { GenerateSshKeyDto, ImportSshKeyDto, UpdateSshKeyDto } from './dto/ssh-key.dto.js';
import {
  generateKey,
  identify,
  KeyMaterialError,
  type GeneratedKey,
  type KeyIdentity,
} from './key-material.js';
import { SSH_KEY_SECRETS, type KeyUser, type SshKeyRecord } from './ssh-key.record.js';
import { SshKeysRepository } from './ssh-keys.repository.js';

/** Who changes keys, for the audit log. */
export interface KeyActor {
  login: string;
  clientIp?: string | null;
}

/** Key ids are UUIDs; anything else names no key (and is not looked up). */
const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const KEY_PROBLEMS = {
  passphrase: { field: 'passphrase', msg: 'passphrase is missing or does not decrypt private_key' },
  unparsable: {
    field: 'private_key',
    msg: 'private_key could not be parsed (PEM or OpenSSH private key expected)',
  },
  unsupported: {
    field: 'private_key',
    msg: 'private_key must be an RSA, Ed25519 or ECDSA private key',
  },
} as const;

/**
 * SSH keys pgmon keeps for servers (generate, import, rename, delete): the private key and its
 * passphrase are sealed and never leave except into an SSH session; names and fingerprints are
 * unique; a key that servers use is not deleted. Changes are audited (ssh_key.*).
 */
@Injectable()
export class SshKeysService {
  /** RSA generation takes seconds of a libuv thread: one at a time leaves the others free. */
  private generating: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly keys: SshKeysRepository,
    private readonly cipher: SecretCipher,
    private readonly audit: AuditLogService,
  ) {}

  list(): Promise<SshKeyRecord[]> {
    return this.keys.list();
  }

  async get(id: string): Promise<SshKeyRecord> {
    const key = KEY_ID.test(id) ? await this.keys.find(id) : undefined;
    if (!key) throw new NotFoundException('SSH key not found');
    return key;
  }

  async generate(input: GenerateSshKeyDto, actor: KeyActor): Promise<SshKeyRecord> {
    const type = input.key_type ?? 'rsa';
    const passphrase = input.passphrase ?? undefined;
    const work = this.generating.then(() =>
      generateKey(type, {
        bits: input.key_size ?? 2048,
        comment: commentFor(input.name),
        passphrase,
      }),
    );
    this.generating = work.catch(() => undefined);
    const material: GeneratedKey = await work;
    return this.store(input, material, material.privateKey, passphrase, actor, 'generated');
  }

  async import(input: ImportSshKeyDto, actor: KeyActor): Promise<SshKeyRecord> {
    const passphrase = input.passphrase ?? undefined;
    let identity: KeyIdentity;
    try {
      identity = identify(input.private_key, passphrase);
    } catch (error) {
      if (error instanceof KeyMaterialError) throw invalid(KEY_PROBLEMS[error.problem]);
      throw error;
    }
    const existing = await this.keys.findByFingerprint(identity.fingerprint);
    if (existing) {
      throw new ConflictException(
        `This key is already kept as ${existing.name} (${identity.fingerprint})`,
      );
    }
    return this.store(input, identity, input.private_key, passphrase, actor, 'imported');
  }

  async update(id: string, input: UpdateSshKeyDto, actor: KeyActor): Promise<SshKeyRecord> {
    const key = await this.get(id);
    try {
      await this.keys.update(key.id, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.description !== undefined && { description: input.description }),
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(input.name ?? key.name);
      throw error;
    }
    await this.record(actor, 'ssh_key.update', key, { fields: Object.keys(input).sort() });
    return this.get(key.id);
  }

  /** Deletes an unused key; 409 naming the servers that use it. */
  async delete(id: string, actor: KeyActor): Promise<SshKeyRecord> {
    const key = await this.get(id);
    const users = await this.keys.users(key.id);
    if (users.length > 0) throw inUse(key, users);
    try {
      await this.keys.delete(key.id);
    } catch (error) {
      // A server started using the key meanwhile (the foreign key refused the delete).
      if (isForeignKeyViolation(error)) throw inUse(key, await this.keys.users(key.id));
      throw error;
    }
    await this.record(actor, 'ssh_key.delete', key);
    return key;
  }

  async users(id: string): Promise<{ key: SshKeyRecord; servers: KeyUser[] }> {
    const key = await this.get(id);
    return { key, servers: await this.keys.users(key.id) };
  }

  private async store(
    input: GenerateSshKeyDto | ImportSshKeyDto,
    identity: KeyIdentity,
    privateKey: string,
    passphrase: string | undefined,
    actor: KeyActor,
    origin: 'generated' | 'imported',
  ): Promise<SshKeyRecord> {
    const id = randomUUID();
    const now = Date.now();
    try {
      await this.keys.insert({
        id,
        name: input.name,
        description: input.description ?? null,
        key_type: identity.keyType,
        fingerprint: identity.fingerprint,
        public_key: identity.publicKey,
        private_key: this.cipher.seal(privateKey, SSH_KEY_SECRETS.privateKey),
        passphrase: passphrase ? this.cipher.seal(passphrase, SSH_KEY_SECRETS.passphrase) : null,
        created_by: actor.login,
        created_at: now,
        updated_at: now,
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(input.name);
      throw error;
    }
    const key = await this.get(id);
    await this.record(actor, 'ssh_key.create', key, { origin, key_type: key.keyType });
    return key;
  }

  private async record(
    actor: KeyActor,
    action: string,
    key: SshKeyRecord,
    detail: Record<string, unknown> = {},
  ): Promise<void> {
    await this.audit.record({
      actor: actor.login,
      action,
      target: key.name,
      detail: { id: key.id, fingerprint: key.fingerprint, ...detail },
      clientIp: actor.clientIp ?? null,
    });
  }
}

/** The comment of a generated public key: who made it, for authorized_keys readers. */
function commentFor(name: string): string {
  return `pgmon-${name.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
}

function invalid(issue: { field: string; msg: string }): UnprocessableEntityException {
  return new UnprocessableEntityException({
    detail: [{ loc: ['body', issue.field], msg: issue.msg, type: 'value_error' }],
  });
}

function nameTaken(name: string): ConflictException {
  return new ConflictException(
    `An SSH key named ${name} already exists (names are unique regardless of case)`,
  );
}

function inUse(key: SshKeyRecord, users: KeyUser[]): ConflictException {
  return new ConflictException(
    `SSH key ${key.name} is used by servers: ${users.map((user) => user.name).join(', ')}`,
  );
}
