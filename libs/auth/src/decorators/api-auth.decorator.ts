import { applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOAuth2,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

/** Names of the OpenAPI security schemes (see the API's OpenAPI setup). */
export const BEARER_SCHEME = 'bearer';
export const PASSWORD_FLOW_SCHEME = 'password';

/**
 * OpenAPI: the route needs a token. Swagger UI's "Authorize" offers both the login form
 * (OAuth2 password flow against POST /token) and pasting a token.
 */
export const ApiAuth = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    ApiBearerAuth(BEARER_SCHEME),
    ApiOAuth2([], PASSWORD_FLOW_SCHEME),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired token' }),
    ApiForbiddenResponse({ description: 'Role too low for this route' }),
  );
