import { Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  clientOf,
  LocalAuthGuard,
  Public,
  SessionsService,
  TokenRequestDto,
  TokenView,
  type UserRecord,
} from '#auth';
import { ApiErrors } from '#http';
import { RefreshCookie } from './refresh-cookie.js';

@ApiTags('auth')
@Controller()
export class TokenController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly cookie: RefreshCookie,
  ) {}

  @Post('token')
  @Public()
  @UseGuards(LocalAuthGuard)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Log in (OAuth2 password flow) and get a bearer token',
    description:
      'Also sets the httpOnly refresh_token cookie (path /api, SameSite=Strict, Secure over HTTPS) that POST /api/refresh exchanges for a new token; the body is the same with or without it.',
  })
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
  async login(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenView> {
    const session = await this.sessions.start(request.user as UserRecord, clientOf(request));
    this.cookie.set(request, response, session.refresh.token, session.refresh.expiresAt);
    return session.access;
  }
}
