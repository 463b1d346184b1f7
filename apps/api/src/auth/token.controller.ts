import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  LocalAuthGuard,
  Public,
  TokenRequestDto,
  TokenService,
  TokenView,
  type UserRecord,
} from '#auth';
import { ApiErrors } from '#http';

@ApiTags('auth')
@Controller()
export class TokenController {
  constructor(private readonly tokens: TokenService) {}

  @Post('token')
  @Public()
  @UseGuards(LocalAuthGuard)
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in (OAuth2 password flow) and get a bearer token' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: TokenRequestDto })
  @ApiOkResponse({ type: TokenView })
  @ApiErrors({
    401: 'Invalid credentials',
    422: 'username or password missing or too long, or a grant_type other than password',
    429: {
      description: 'Too many failed logins from this client, or for this account',
      headers: ['Retry-After'],
    },
    503: {
      description: 'Too many logins wait for password hashing',
      headers: ['Retry-After'],
    },
  })
  login(@Req() request: Request): Promise<TokenView> {
    return this.tokens.issue(request.user as UserRecord);
  }
}
