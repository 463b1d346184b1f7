import { Injectable } from '@nestjs/common';
import bcrypt from 'bcryptjs';

/** bcrypt cost of new hashes (the seed's hashes use 12 too). */
export const BCRYPT_COST = 12;

/**
 * A cost-12 hash of a random password nobody knows: checking a login against it for unknown
 * users makes "no such user" take as long as "wrong password".
 */
const UNKNOWN_USER_HASH = '$2b$12$kuSaFHUd6tsbJr8i/7UeAOhFQ.tVsp/4qHWPgf0zF3nE.xTF58pMO';

@Injectable()
export class PasswordHasher {
  hash(password: string): Promise<string> {
    return bcrypt.hash(password, BCRYPT_COST);
  }

  /** Verifies against `hash`, or against a decoy hash when the user does not exist. */
  async verify(password: string, hash: string | undefined): Promise<boolean> {
    const matches = await bcrypt.compare(password, hash ?? UNKNOWN_USER_HASH);
    return matches && hash !== undefined;
  }

  /** True for bcrypt hashes this service can check ($2a$, $2b$, $2y$). */
  static isBcryptHash(value: string): boolean {
    return /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/.test(value);
  }
}
