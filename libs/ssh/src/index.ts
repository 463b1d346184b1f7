export { fingerprintOf } from './host-key.js';
export { SshModule } from './ssh.module.js';
export { ssh2Library } from './ssh2-library.js';
export { sshCacheKey } from './ssh-cache-key.js';
export { SSH_ERROR_REASONS, SshError } from './ssh-errors.js';
export type { SshErrorCode } from './ssh-errors.js';
export { DEFAULT_SSH_TIMEOUT_MS, SshService } from './ssh.service.js';
export type { DiskUsageOptions } from './ssh.service.js';
export type { DiskUsage, DiskUsageResult, SshAuth, SshTarget } from './ssh.types.js';
