import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { ForbiddenError } from '../../common/domain-errors';
import { AuthenticationRequiredError } from '../auth-errors';
import { Roles } from '../decorators/roles.decorator';
import { Principal } from '../../domain/principal';
import { Role } from '../../domain/role';
import { RolesGuard } from './roles.guard';

@Roles('Admin')
class AdminController {
  adminOnly(): void {}

  @Roles('Read-Write', 'Read-Only')
  overridden(): void {}
}

class OpenController {
  open(): void {}

  @Roles('Admin', 'Read-Write')
  writers(): void {}

  @Roles()
  emptyList(): void {}
}

function principal(role: Role): Principal {
  return { kind: 'pat', credentialId: 't1', userId: 'user-1', username: 'alice', host: 'localhost', port: 6379, tls: false, role, access: 'read-write', graphs: null, allowedIps: null, expiresAt: null };
}

function contextFor(controller: new () => object, handler: string, user?: Principal): ExecutionContext {
  const method = (controller.prototype as Record<string, () => void>)[handler];
  return new ExecutionContextHost([{ user }, {}], controller as never, method);
}

describe('RolesGuard', () => {
  const guard = new RolesGuard(new Reflector());

  it('lets anyone through a route without @Roles, even without a principal', () => {
    expect(guard.canActivate(contextFor(OpenController, 'open'))).toBe(true);
    expect(guard.canActivate(contextFor(OpenController, 'emptyList'))).toBe(true);
  });

  it('lets a caller with one of the roles through', () => {
    expect(guard.canActivate(contextFor(OpenController, 'writers', principal('Admin')))).toBe(true);
    expect(guard.canActivate(contextFor(OpenController, 'writers', principal('Read-Write')))).toBe(true);
  });

  it('forbids a caller without one of the roles, naming them', () => {
    expect(() => guard.canActivate(contextFor(OpenController, 'writers', principal('Read-Only')))).toThrow(
      new ForbiddenError('This operation requires the role Admin or Read-Write'),
    );
  });

  it('asks for authentication when a role is needed but nobody is authenticated', () => {
    expect(() => guard.canActivate(contextFor(OpenController, 'writers'))).toThrow(AuthenticationRequiredError);
  });

  it('applies class-level roles to every handler', () => {
    expect(guard.canActivate(contextFor(AdminController, 'adminOnly', principal('Admin')))).toBe(true);
    expect(() => guard.canActivate(contextFor(AdminController, 'adminOnly', principal('Read-Write')))).toThrow(ForbiddenError);
  });

  it('lets handler-level roles override the class', () => {
    expect(guard.canActivate(contextFor(AdminController, 'overridden', principal('Read-Only')))).toBe(true);
    expect(() => guard.canActivate(contextFor(AdminController, 'overridden', principal('Admin')))).toThrow(ForbiddenError);
  });
});
