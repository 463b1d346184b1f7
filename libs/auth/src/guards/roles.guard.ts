import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthUser } from '../auth-user.js';
import { REQUIRED_ROLE } from '../decorators/roles.decorator.js';
import { hasRole, type Role } from '../roles.js';

/** Global: a route marked @Roles(x) admits users whose role is x or more privileged. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required) return true;
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (user && hasRole(user.role, required)) return true;
    throw new ForbiddenException(`This action needs the ${required} role`);
  }
}
