import { SetMetadata } from '@nestjs/common';
import type { Role } from '../roles.js';

export const REQUIRED_ROLE = 'pgmon:requiredRole';

/** The least privileged role allowed on a route (`operator` admits operators and admins). */
export const Roles = (role: Role): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_ROLE, role);
