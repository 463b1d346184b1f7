import { readFileSync } from 'node:fs';

function readPackageVersion(): string {
  // dist/libs/config/src -> repository root; src/libs/config/src when run from source.
  for (const relative of ['../../../../package.json', '../../../package.json']) {
    try {
      const text = readFileSync(new URL(relative, import.meta.url), 'utf8');
      const parsed = JSON.parse(text) as { name?: string; version?: string };
      if (parsed.name === 'pgmon' && parsed.version) return parsed.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

/** pgmon's own version, from package.json. */
export const PGMON_VERSION = readPackageVersion();
