import {
  ConflictException,
  Injectable,
  NotFoundException,
  type UnprocessableEntityException,
} from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { SecretCipher } from '#secrets';
import { AuditLogService, isForeignKeyViolation, isUniqueViolation } from '#store';
import type { CreateServerDto, UpdateServerDto } from './dto/server.dto.js';
import type { ServerRecord } from './server.record.js';
import { invalidField } from './server-input-errors.js';
import { ServersRepository } from './servers.repository.js';
import { toNewRow, toRowChanges } from './server-rows.js';

/** Who changes servers, for the audit log. */
export interface ServerActor {
  login: string;
  clientIp?: string | null;
}

/** Emitted after a server was created, changed or deleted: pools and caches of it must go. */
export interface ServerChange {
  serverId: number;
  name: string;
  kind: 'created' | 'updated' | 'deleted';
}

/** Server configurations: validation rules and sealed secrets; `changes` tells who must forget. */
@Injectable()
export class ServersService {
  private readonly changeEvents = new Subject<ServerChange>();
  readonly changes: Observable<ServerChange> = this.changeEvents.asObservable();

  constructor(
    private readonly servers: ServersRepository,
    private readonly cipher: SecretCipher,
    private readonly audit: AuditLogService,
  ) {}

  list(): Promise<ServerRecord[]> {
    return this.servers.list();
  }

  /** The server with this id, or undefined (it may have been deleted meanwhile). */
  findById(id: number): Promise<ServerRecord | undefined> {
    return this.servers.findById(id);
  }

  /**
   * Looked up by exact name: names are unique regardless of case, but a URL with another case
   * is another URL (as for any resource), and one spelling per server keeps caches and logs
   * unambiguous.
   */
  async get(name: string): Promise<ServerRecord> {
    const server = await this.servers.findByName(name);
    if (!server) throw new NotFoundException(`Server ${name} not found`);
    return server;
  }

  async create(input: CreateServerDto, actor: ServerActor): Promise<ServerRecord> {
    await this.assertNameFree(input.name);
    await this.assertKeyExists(input.ssh_key_id);
    try {
      await this.servers.insert(toNewRow(input, this.cipher));
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate(input.name);
      if (isForeignKeyViolation(error)) throw keyGone();
      throw error;
    }
    const server = await this.get(input.name);
    await this.record(actor, 'server.create', server, input);
    this.changeEvents.next({ serverId: server.id, name: server.name, kind: 'created' });
    return server;
  }

  async update(name: string, input: UpdateServerDto, actor: ServerActor): Promise<ServerRecord> {
    const current = await this.get(name);
    const newName = input.name ?? current.name;
    if (newName !== current.name) await this.assertNameFree(newName, current.id);
    await this.assertKeyExists(input.ssh_key_id);
    try {
      if (!(await this.servers.update(current.id, toRowChanges(current, input, this.cipher)))) {
        throw new NotFoundException(`Server ${name} not found`);
      }
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate(newName);
      if (isForeignKeyViolation(error)) throw keyGone();
      throw error;
    }
    const server = await this.get(newName);
    await this.record(actor, 'server.update', server, input);
    this.changeEvents.next({ serverId: server.id, name: current.name, kind: 'updated' });
    return server;
  }

  async delete(name: string, actor: ServerActor): Promise<void> {
    const server = await this.get(name);
    if (!(await this.servers.delete(server.id)))
      throw new NotFoundException(`Server ${name} not found`);
    await this.record(actor, 'server.delete', server, {});
    this.changeEvents.next({ serverId: server.id, name: server.name, kind: 'deleted' });
  }

  /** Records the SSH host key seen at first contact (trust on first use). */
  pinHostKey(server: ServerRecord, fingerprint: string): Promise<boolean> {
    return this.servers.pinHostKey(server.id, server.generation, fingerprint);
  }

  /** 422 naming ssh_key_id when it names no managed key. */
  private async assertKeyExists(id: string | null | undefined): Promise<void> {
    if (id && !(await this.servers.keyExists(id))) throw keyGone();
  }

  /** 409 when another server has this name in any case. */
  private async assertNameFree(name: string, ownId?: number): Promise<void> {
    const holder = await this.servers.findByNameIgnoringCase(name);
    if (holder && holder.id !== ownId) throw duplicate(name, holder.name);
  }

  private async record(
    actor: ServerActor,
    action: string,
    server: ServerRecord,
    input: object,
  ): Promise<void> {
    await this.audit.record({
      actor: actor.login,
      action,
      target: server.name,
      detail: { fields: Object.keys(input).sort() },
      clientIp: actor.clientIp ?? null,
    });
  }
}

function duplicate(name: string, existing = name): ConflictException {
  return new ConflictException(
    existing === name
      ? `Server ${name} already exists`
      : `Server ${existing} already exists (names are unique regardless of case)`,
  );
}

function keyGone(): UnprocessableEntityException {
  return invalidField('ssh_key_id', 'ssh_key_id names no SSH key (see GET /api/ssh-keys)');
}
