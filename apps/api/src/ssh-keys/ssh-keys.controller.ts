import { Body, Controller, Delete, Get, Param, Post, Put } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiParam,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiAuth, AuditActor, Roles, type RequestActor } from '#auth';
import { ApiErrors } from '#http';
import {
  GenerateSshKeyDto,
  ImportSshKeyDto,
  KeyDeletedView,
  KeyServersView,
  PublicKeyFileView,
  SshKeysService,
  SshKeyView,
  UpdateSshKeyDto,
} from '#ssh-keys';

/** OpenAPI: the `key_id` path parameter (GET /api/ssh-keys lists them). */
const ApiKeyId = (): MethodDecorator =>
  ApiParam({
    name: 'key_id',
    description: 'The key’s id (a UUID)',
    example: '3f1c2b9e-8d4a-4e6f-9b2a-1c5d7e8f9a0b',
  });

/**
 * /api/ssh-keys: SSH keys pgmon keeps for servers to reference (ssh_key_id) instead of
 * carrying keys of their own. Operators manage them as they manage servers; viewers see none.
 */
@ApiTags('ssh-keys')
@ApiAuth()
@Roles('operator')
@Controller('api/ssh-keys')
export class SshKeysController {
  constructor(private readonly keys: SshKeysService) {}

  @Get()
  @ApiOperation({ summary: 'Every SSH key, oldest first (never a private key)' })
  @ApiOkResponse({ type: [SshKeyView] })
  async list(): Promise<SshKeyView[]> {
    return (await this.keys.list()).map((key) => SshKeyView.from(key));
  }

  @Post('generate')
  @ApiOperation({ summary: 'Generate an ed25519 or RSA key pair; the private key stays sealed' })
  @ApiCreatedResponse({ type: SshKeyView })
  @ApiErrors({ 409: 'The name is taken', 422: 'Invalid fields' })
  async generate(
    @Body() body: GenerateSshKeyDto,
    @AuditActor() actor: RequestActor,
  ): Promise<SshKeyView> {
    return SshKeyView.from(await this.keys.generate(body, actor));
  }

  @Post('import')
  @ApiOperation({ summary: 'Import a private key (with its passphrase); sealed, never returned' })
  @ApiCreatedResponse({ type: SshKeyView })
  @ApiErrors({
    409: 'The name is taken, or the key is kept already',
    422: 'Not a usable private key, or the passphrase does not decrypt it',
  })
  async import(
    @Body() body: ImportSshKeyDto,
    @AuditActor() actor: RequestActor,
  ): Promise<SshKeyView> {
    return SshKeyView.from(await this.keys.import(body, actor));
  }

  @Get(':key_id')
  @ApiKeyId()
  @ApiOperation({ summary: 'One SSH key' })
  @ApiOkResponse({ type: SshKeyView })
  @ApiErrors({ 404: 'No such key' })
  async get(@Param('key_id') id: string): Promise<SshKeyView> {
    return SshKeyView.from(await this.keys.get(id));
  }

  @Put(':key_id')
  @ApiKeyId()
  @ApiOperation({ summary: 'Rename a key or change its description' })
  @ApiOkResponse({ type: SshKeyView })
  @ApiErrors({ 404: 'No such key', 409: 'The name is taken', 422: 'Invalid fields' })
  async update(
    @Param('key_id') id: string,
    @Body() body: UpdateSshKeyDto,
    @AuditActor() actor: RequestActor,
  ): Promise<SshKeyView> {
    return SshKeyView.from(await this.keys.update(id, body, actor));
  }

  @Delete(':key_id')
  @ApiKeyId()
  @ApiOperation({ summary: 'Delete a key that no server uses' })
  @ApiOkResponse({ type: KeyDeletedView })
  @ApiErrors({ 404: 'No such key', 409: 'Servers use the key (the detail names them)' })
  async remove(
    @Param('key_id') id: string,
    @AuditActor() actor: RequestActor,
  ): Promise<KeyDeletedView> {
    const key = await this.keys.delete(id, actor);
    return { message: `SSH key ${key.name} deleted` };
  }

  @Get(':key_id/servers')
  @ApiKeyId()
  @ApiOperation({ summary: 'The servers that use a key' })
  @ApiOkResponse({ type: KeyServersView })
  @ApiErrors({ 404: 'No such key' })
  async servers(@Param('key_id') id: string): Promise<KeyServersView> {
    const { key, servers } = await this.keys.users(id);
    return { key_name: key.name, servers_count: servers.length, servers };
  }

  @Get(':key_id/download-public')
  @ApiKeyId()
  @ApiOperation({ summary: 'The public key as a file to hand to authorized_keys' })
  @ApiOkResponse({ type: PublicKeyFileView })
  @ApiErrors({ 404: 'No such key' })
  async downloadPublic(@Param('key_id') id: string): Promise<PublicKeyFileView> {
    const key = await this.keys.get(id);
    return {
      filename: `${key.name.replace(/[^A-Za-z0-9._-]+/g, '_')}_id_${key.keyType}.pub`,
      content: `${key.publicKey}\n`,
      content_type: 'text/plain',
    };
  }
}
