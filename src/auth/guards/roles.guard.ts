import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError } from '../../common/domain-errors';
import { AuthenticationRequiredError } from '../auth-errors';
import { ROLES_KEY } from '../metadata-keys';
import { Principal } from '../../domain/principal';
import { Role } from '../../domain/role';

/** RBAC: when a route names roles with `@Roles()`, the caller's FalkorDB role must be one of them. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles?.length) return true;
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!principal) throw new AuthenticationRequiredError();
    if (!roles.includes(principal.role)) {
      throw new ForbiddenError(`This operation requires the role ${roles.join(' or ')}`);
    }
    return true;
  }
}
