export { CreateServerDto, UpdateServerDto } from './dto/server.dto.js';
export { HOST_KEY_PATTERN, SERVER_NAME_PATTERN } from './dto/field-rules.js';
export { hasSsh, SECRET_FIELDS, SSH_AUTH_TYPES, SSL_MODES } from './server.record.js';
export type { SecretField, ServerRecord, SshAuthType, SslMode } from './server.record.js';
export { ServerTargets } from './server-targets.js';
export { configView, ServerConfigView } from './server.view.js';
export { ServersModule } from './servers.module.js';
export { ServersService } from './servers.service.js';
export type { ServerActor, ServerChange } from './servers.service.js';
