import type { Role } from './roles.js';

/** The user behind a verified token, as loaded from the store on each request. */
export interface AuthUser {
  login: string;
  role: Role;
}
