import { randomBytes } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '#config';
import { UsersService } from './users.service.js';

export const BOOTSTRAP_ADMIN_LOGIN = 'admin';

/**
 * First start of the API with an empty users table: create `admin` with ADMIN_PASSWORD, or with
 * a random password printed once to the log (it is not stored anywhere in clear). The CLI does
 * not do this, so that `import-seed` on a fresh store keeps the seed's own `admin`.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.count()) > 0) {
      await this.warnWithoutAdmin();
      return;
    }
    const configured = this.config.auth.adminPassword;
    const password = configured ?? randomBytes(12).toString('base64url');
    try {
      await this.users.create(
        { login: BOOTSTRAP_ADMIN_LOGIN, password, role: 'admin', isActive: true },
        { login: null },
      );
    } catch {
      // Another replica created it first.
      return;
    }
    if (configured) {
      this.logger.log(
        `Created user "${BOOTSTRAP_ADMIN_LOGIN}" with the password from ADMIN_PASSWORD`,
      );
    } else {
      this.logger.warn(
        `Created user "${BOOTSTRAP_ADMIN_LOGIN}" with generated password: ${password}  (shown once; change it with PUT /users/admin or "npm run pgmon -- user passwd admin")`,
      );
    }
  }

  /** Users exist (added by the CLI or imported) but none can manage users: say how to fix it. */
  private async warnWithoutAdmin(): Promise<void> {
    const users = await this.users.list();
    if (users.some((user) => user.role === 'admin' && user.isActive)) return;
    this.logger.warn(
      'No active admin user: add one with "npm run pgmon -- user add <login> --role admin"',
    );
  }
}
