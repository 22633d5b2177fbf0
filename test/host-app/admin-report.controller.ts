import { Controller, Get, UseFilters, UseGuards } from '@nestjs/common';
import { CurrentPrincipal, JwtAuthGuard, Principal, ProblemDetailsFilter, Roles, RolesGuard } from '../../src';

/**
 * One of the host's own controllers, protected by our guards: any valid PAT or session gets in,
 * `@Roles('Admin')` routes only FalkorDB admins. ProblemDetailsFilter renders our guards' errors
 * (401/403/503) as problem+json; without it (or a global filter) Nest would answer 500.
 */
@Controller('v1/admin')
@UseGuards(JwtAuthGuard, RolesGuard)
@UseFilters(ProblemDetailsFilter)
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
