import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { ApiErrors } from '#http';
import type { Role } from '../roles.js';

export const REQUIRED_ROLE = 'pgmon:requiredRole';

/**
 * The least privileged role allowed on a route (`operator` admits operators and admins).
 * Also shown in the OpenAPI document as `x-required-role`, with the 403 a lower role gets.
 */
export const Roles = (role: Role): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(REQUIRED_ROLE, role),
    ApiExtension('x-required-role', role),
    ApiErrors({ 403: `This action needs the ${role} role` }),
  );
