import { Controller, Get, Query, UseFilters, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../auth/decorators/authenticated.decorator';
import { CurrentPrincipal } from '../../auth/decorators/current-principal.decorator';
import { Principal } from '../../domain/principal';
import { ProblemDetailsDto } from '../../common/problem-details.dto';
import { ProblemDetailsFilter } from '../../common/problem-details.filter';
import { createValidationPipe } from '../../common/validation.pipe';
import { AuditService } from '../audit.service';
import { AuditEventListDto } from '../dto/audit-event.dto';
import { ListAuditEventsQuery } from '../dto/list-audit-events.query';

@ApiTags('Audit')
@Controller('audit')
@UseFilters(ProblemDetailsFilter)
@UsePipes(createValidationPipe())
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Authenticated()
  @ApiOperation({
    operationId: 'listAuditEvents',
    summary: 'The audit log: what happened to tokens and sessions, newest first',
    description:
      'Token and session events (created, rotated, revoked, new address, logins...) and failed authentications. Admins see every event ' +
      "of their FalkorDB server; other users only events about themselves, whatever the filters. Kept AUDIT_RETENTION_DAYS (default 90). " +
      'Paged with `limit` and `cursor` (`next_cursor` of the previous page).',
  })
  @ApiOkResponse({ type: AuditEventListDto, description: 'A page of events the caller may see, newest first' })
  @ApiBadRequestResponse({ type: ProblemDetailsDto, description: 'A parameter is invalid (each bad one is named), or the cursor is not valid for this query' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListAuditEventsQuery): Promise<AuditEventListDto> {
    return this.audit.list(principal, query);
  }
}
