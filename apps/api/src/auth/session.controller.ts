import {
  Controller,
  HttpCode,
  Post,
  Req,
  Res,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { clientOf, Public, SessionsService, TokenView } from '#auth';
import { ApiErrors } from '#http';
import { RefreshCookie } from './refresh-cookie.js';
import { SameOriginGuard } from './same-origin.guard.js';
import { LogoutView } from './session.view.js';

/** The upstream web UI's session: POST /api/refresh and POST /api/logout, by the refresh cookie. */
@ApiTags('auth')
@Controller('api')
@Public()
@UseGuards(SameOriginGuard)
export class SessionController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly cookie: RefreshCookie,
  ) {}

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A new access token for the refresh_token cookie, which is rotated',
    description:
      'Authenticated by the httpOnly refresh_token cookie that POST /token sets (path /api). Each use replaces it; presenting a used one again revokes the whole session.',
  })
  @ApiOkResponse({ type: TokenView })
  @ApiErrors({
    401: 'No cookie, or a token that is unknown, expired, used or revoked (the cookie is cleared)',
    403: 'Invalid origin (a page of another site)',
  })
  async refresh(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenView> {
    try {
      const session = await this.sessions.renew(this.cookie.read(request), clientOf(request));
      this.cookie.set(request, response, session.refresh.token, session.refresh.expiresAt);
      return session.access;
    } catch (error) {
      if (error instanceof UnauthorizedException) this.cookie.clear(request, response);
      throw error;
    }
  }

  @Post('logout')
  @HttpCode(200)
  @ApiOperation({
    summary: 'End the session of the refresh_token cookie and clear the cookie',
    description: 'Answers 200 with or without a session to end.',
  })
  @ApiOkResponse({ type: LogoutView })
  @ApiErrors({ 403: 'Invalid origin (a page of another site)' })
  async logout(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LogoutView> {
    await this.sessions.end(this.cookie.read(request), clientOf(request));
    this.cookie.clear(request, response);
    return { detail: 'Logged out' };
  }
}
