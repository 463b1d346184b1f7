import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface KeyFileResult {
  value: string;
  /** True when the key did not exist and was written now. */
  created: boolean;
  path: string;
}

/**
 * Creates DATA_DIR owner-only (0700) when it does not exist yet. The mode is set explicitly
 * after mkdir: the process umask may have taken bits off (0o277 leaves 0500, unwritable).
 * An existing directory is the operator's and keeps its mode.
 */
export function ensureDataDir(dataDir: string): void {
  if (existsSync(dataDir)) return;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
}

/**
 * Reads a generated key from DATA_DIR, or writes a new random one (mode 0600) the first time,
 * so that an unset SECRET_KEY / ENCRYPTION_KEY is strong and survives restarts.
 */
export function loadOrCreateKeyFile(dataDir: string, fileName: string): KeyFileResult {
  ensureDataDir(dataDir);
  const path = join(dataDir, fileName);
  if (existsSync(path)) {
    tightenMode(path);
    const value = readFileSync(path, 'utf8').trim();
    if (value.length < 43) throw new Error(`Key file ${path} is damaged: remove it or set the key`);
    return { value, created: false, path };
  }
  const value = randomBytes(32).toString('base64url');
  // 'wx' fails if another process created the file in the meantime: then read theirs.
  try {
    writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return loadOrCreateKeyFile(dataDir, fileName);
    throw error;
  }
  return { value, created: true, path };
}

function tightenMode(path: string): void {
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
}
