export { SecretCipher, SecretDecryptError } from './secret-cipher.js';
export { SecretsModule } from './secrets.module.js';
export { FernetError, FernetKey } from './fernet.js';
