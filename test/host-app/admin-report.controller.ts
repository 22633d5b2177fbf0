import { Controller, Get, UseGuards } from '@nestjs/common';
import { CurrentPrincipal, JwtAuthGuard, Principal, Roles, RolesGuard } from '../../src';

/**
 * One of the host's own controllers, protected by our guards: any valid PAT or session gets in,
 * `@Roles('Admin')` routes only FalkorDB admins. No exception filter: our guards' errors are
 * HttpExceptions, which Nest's own filter renders with the right status and problem body.
 */
@Controller('v1/admin')
@UseGuards(JwtAuthGuard, RolesGuard)
export class AdminReportController {
  @Get('report')
  @Roles('Admin')
  report(@CurrentPrincipal() principal: Principal): { report: string; requestedBy: string; role: string } {
    return { report: 'all systems nominal', requestedBy: principal.username, role: principal.role };
  }

  @Get('me')
  me(@CurrentPrincipal() principal: Principal): { username: string; role: string; kind: string } {
    return { username: principal.username, role: principal.role, kind: principal.kind };
  }
}
