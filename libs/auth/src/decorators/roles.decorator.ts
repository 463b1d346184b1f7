import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Role } from '../roles.js';

export const REQUIRED_ROLE = 'pgmon:requiredRole';

/**
 * The least privileged role allowed on a route (`operator` admits operators and admins).
 * Also shown in the OpenAPI document as `x-required-role`.
 */
export const Roles = (role: Role): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(REQUIRED_ROLE, role), ApiExtension('x-required-role', role));
