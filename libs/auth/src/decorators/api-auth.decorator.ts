import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOAuth2 } from '@nestjs/swagger';
import { ApiErrors } from '#http';

/** Names of the OpenAPI security schemes (see the API's OpenAPI setup). */
export const BEARER_SCHEME = 'bearer';
export const PASSWORD_FLOW_SCHEME = 'password';

/**
 * OpenAPI: the route needs a token. Swagger UI's "Authorize" offers both the login form
 * (OAuth2 password flow against POST /token) and pasting a token. The 403 of a role too low is
 * documented by @Roles, on the routes that have one.
 */
export const ApiAuth = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    ApiBearerAuth(BEARER_SCHEME),
    ApiOAuth2([], PASSWORD_FLOW_SCHEME),
    ApiErrors({
      401: { description: 'Missing, invalid or expired token', headers: ['WWW-Authenticate'] },
    }),
  );
