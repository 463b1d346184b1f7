import { createRequire } from 'node:module';

type Ssh2 = typeof import('ssh2');

const require = createRequire(import.meta.url);
let loaded: Ssh2 | undefined;

/**
 * ssh2, loaded on first use rather than at start: it costs about 11 MB of resident memory (its
 * code, a native binding and a WebAssembly Poly1305), which an API whose servers have no SSH
 * never needs. CommonJS, so it loads synchronously and callers stay as they are.
 */
export function ssh2Library(): Ssh2 {
  loaded ??= require('ssh2') as Ssh2;
  return loaded;
}
