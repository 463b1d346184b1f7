import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import {
  LocalAuthGuard,
  Public,
  TokenRequestDto,
  TokenService,
  TokenView,
  type UserRecord,
} from '#auth';

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
  @ApiUnauthorizedResponse({ description: 'Invalid credentials' })
  @ApiUnprocessableEntityResponse({ description: 'username or password missing' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins from this client' })
  login(@Req() request: Request): Promise<TokenView> {
    return this.tokens.issue(request.user as UserRecord);
  }
}
