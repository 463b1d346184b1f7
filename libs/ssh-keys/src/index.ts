export {
  GenerateSshKeyDto,
  KeyDeletedView,
  ImportSshKeyDto,
  KeyServersView,
  PublicKeyFileView,
  SshKeyView,
  UpdateSshKeyDto,
} from './dto/ssh-key.dto.js';
export { withSshKeyExamples } from './dto/ssh-key.examples.js';
export { ed25519KeyPairSync, identify, KeyMaterialError } from './key-material.js';
export type { KeyProblem } from './key-material.js';
export { SSH_KEY_SECRETS } from './ssh-key.record.js';
export type { KeyUser, SshKeyRecord } from './ssh-key.record.js';
export { SshKeysModule } from './ssh-keys.module.js';
export { SshKeysService } from './ssh-keys.service.js';
export type { KeyActor } from './ssh-keys.service.js';
