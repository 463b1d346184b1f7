import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import type { UserRecord } from '../users/user.record.js';
import { UsersService } from '../users/users.service.js';

/** Username and password from the OAuth2 password form of POST /token. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly users: UsersService) {
    super({ usernameField: 'username', passwordField: 'password' });
  }

  async validate(username: string, password: string): Promise<UserRecord | false> {
    return (await this.users.verifyCredentials(username, password)) ?? false;
  }
}
