import bcrypt from 'bcryptjs';

/** One bcrypt job for a hashing thread (see PasswordHasher). */
export type BcryptTask =
  | { kind: 'hash'; password: string; cost: number }
  | { kind: 'compare'; password: string; hash: string };

/**
 * Runs in a worker thread: the synchronous bcryptjs calls are the fastest, and here they block
 * nothing but this thread.
 */
export default function runBcrypt(task: BcryptTask): string | boolean {
  return task.kind === 'hash'
    ? bcrypt.hashSync(task.password, task.cost)
    : bcrypt.compareSync(task.password, task.hash);
}
