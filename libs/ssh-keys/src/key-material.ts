import { promisify } from 'node:util';
import { fingerprintOf, ssh2Library } from '#ssh';

/** Key types pgmon keeps (DSA is refused: OpenSSH turned it off). */
export const KEY_TYPES = ['rsa', 'ed25519', 'ecdsa'] as const;
export type KeyType = (typeof KEY_TYPES)[number];
/** Types pgmon generates, as the upstream web UI offers them. */
export const GENERATED_KEY_TYPES = ['rsa', 'ed25519'] as const;
export type GeneratedKeyType = (typeof GENERATED_KEY_TYPES)[number];
export const RSA_KEY_SIZES = [2048, 3072, 4096] as const;

/** What a private key shows of itself: its public half and fingerprint. */
export interface KeyIdentity {
  keyType: KeyType;
  /** OpenSSH public key line: `ssh-ed25519 AAAA... comment`. */
  publicKey: string;
  /** `SHA256:...` as `ssh-keygen -lf` prints it. */
  fingerprint: string;
}

export interface GeneratedKey extends KeyIdentity {
  /** OpenSSH private key, encrypted with the passphrase when one is given. */
  privateKey: string;
}

/** Why a private key cannot be used. */
export type KeyProblem = 'passphrase' | 'unparsable' | 'unsupported';

export class KeyMaterialError extends Error {
  constructor(readonly problem: KeyProblem) {
    super(`private key refused: ${problem}`);
  }
}

/**
 * ssh2 writes about 1 ed25519 key in 250 that its own parser then calls malformed; such a key
 * is made again (a few attempts, each well under a millisecond for ed25519).
 */
const GENERATE_ATTEMPTS = 5;

type GenerateKeyPair = (
  type: GeneratedKeyType,
  options: { bits?: number; comment: string; passphrase?: string; cipher?: string },
) => Promise<{ private: string; public: string }>;

const generateKeyPair: GenerateKeyPair = (type, options) =>
  (promisify(ssh2Library().utils.generateKeyPair) as GenerateKeyPair)(type, options);

/**
 * A new key pair in OpenSSH format (ssh2 over node:crypto; RSA is generated off the event
 * loop). With a passphrase, the private key is encrypted with it (aes256-ctr, bcrypt KDF).
 */
export async function generateKey(
  type: GeneratedKeyType,
  options: { bits: number; comment: string; passphrase?: string },
): Promise<GeneratedKey> {
  for (let attempt = 1; ; attempt++) {
    const pair = await generateKeyPair(type, {
      comment: options.comment,
      ...(type === 'rsa' && { bits: options.bits }),
      ...(options.passphrase && { passphrase: options.passphrase, cipher: 'aes256-ctr' }),
    });
    try {
      return { privateKey: pair.private, ...identify(pair.private, options.passphrase) };
    } catch (error) {
      if (!(error instanceof KeyMaterialError) || attempt >= GENERATE_ATTEMPTS) throw error;
    }
  }
}

/**
 * An ed25519 key pair that ssh2 parses back, made now and synchronously (the documentation's
 * example, tests); with a passphrase the private key is encrypted (aes256-ctr, `rounds` of the
 * bcrypt KDF, 16 by default).
 */
export function ed25519KeyPairSync(
  options: { comment?: string; passphrase?: string; rounds?: number } = {},
): { private: string; public: string } {
  const { passphrase, rounds = 16, comment } = options;
  for (let attempt = 1; ; attempt++) {
    const pair = ssh2Library().utils.generateKeyPairSync('ed25519', {
      ...(comment !== undefined && { comment }),
      ...(passphrase !== undefined && { passphrase, cipher: 'aes256-ctr', rounds }),
    });
    const parsed = ssh2Library().utils.parseKey(pair.private, passphrase);
    if (!(parsed instanceof Error) || attempt >= GENERATE_ATTEMPTS) return pair;
  }
}

/**
 * The public half and fingerprint of a private key (PEM or OpenSSH), checking it decrypts with
 * the passphrase; throws KeyMaterialError saying what is wrong.
 */
export function identify(privateKey: string, passphrase?: string): KeyIdentity {
  const parsed = ssh2Library().utils.parseKey(privateKey, passphrase);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase|decrypt|bad decrypt|integrity/i.test(parsed.message);
    throw new KeyMaterialError(encrypted ? 'passphrase' : 'unparsable');
  }
  const keyType = keyTypeOf(parsed.type);
  if (!keyType || !parsed.isPrivateKey()) throw new KeyMaterialError('unsupported');
  const wire = parsed.getPublicSSH();
  const comment = parsed.comment ? ` ${parsed.comment}` : '';
  return {
    keyType,
    publicKey: `${parsed.type} ${wire.toString('base64')}${comment}`,
    fingerprint: fingerprintOf(wire),
  };
}

function keyTypeOf(sshName: string): KeyType | undefined {
  if (sshName === 'ssh-rsa') return 'rsa';
  if (sshName === 'ssh-ed25519') return 'ed25519';
  if (sshName.startsWith('ecdsa-sha2-')) return 'ecdsa';
  return undefined;
}
