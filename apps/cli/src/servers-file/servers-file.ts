import { readFileSync } from 'node:fs';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Reads a JSON list of servers (the fields of POST /servers). String values may reference
 * environment variables as ${NAME} or ${NAME:-default}, so secrets stay out of the file.
 */
export function readServersFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, unknown>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const problem =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not valid JSON';
    throw new Error(`${path}: ${problem}`, { cause: error });
  }
  if (
    !Array.isArray(parsed) ||
    !parsed.every((entry) => typeof entry === 'object' && entry !== null && !Array.isArray(entry))
  ) {
    throw new Error(`${path}: expected a JSON list of server objects`);
  }
  return (parsed as Record<string, unknown>[]).map((entry, index) =>
    interpolateEntry(entry, env, `${path}: entry ${index}`),
  );
}

function interpolateEntry(
  entry: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  where: string,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(entry).map(([key, value]) => [
      key,
      typeof value === 'string' ? interpolate(value, env, `${where}.${key}`) : value,
    ]),
  );
}

export function interpolate(text: string, env: NodeJS.ProcessEnv, where: string): string {
  return text.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    throw new Error(`${where}: the environment variable ${name} is not set`);
  });
}
