import type { Role } from '../roles.js';

/** A user as stored, with the hash; never sent over HTTP as is (see UserView). */
export interface UserRecord {
  login: string;
  passwordHash: string;
  role: Role;
  isActive: boolean;
  tokenVersion: number;
  /** Random, fixed at creation: tokens name the account, not only the login, which may be re-created. */
  accountId: string;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
  /** Optional contact address (the upstream web UI shows and edits it). */
  email: string | null;
}
