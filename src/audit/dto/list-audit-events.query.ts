import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { DateTimeParam } from '../../common/date-time-param';
import { PageCursor, PageLimit, UsernameFilter } from '../../paging/page-params';
import { TOKEN_ID_PATTERN } from '../../domain/token-id';
import { AUDIT_EVENT_TYPES, AuditEventType } from '../audit-event';

/** Query parameters of `GET /audit`: filters (all combine) and paging; newest first. */
export class ListAuditEventsQuery {
  @ApiPropertyOptional({ description: 'Only events about this token.', pattern: TOKEN_ID_PATTERN.source })
  @IsOptional()
  @Matches(TOKEN_ID_PATTERN, { message: 'token_id must look like 1761055513181-215c579b' })
  token_id?: string;

  @UsernameFilter('events about')
  username?: string;

  @ApiPropertyOptional({ enum: AUDIT_EVENT_TYPES, enumName: 'AuditEventType', description: 'Only events of this type.' })
  @IsOptional()
  @IsIn(AUDIT_EVENT_TYPES, { message: `type must be one of ${AUDIT_EVENT_TYPES.join(', ')}` })
  type?: AuditEventType;

  @DateTimeParam('since', 'Only events at or after this time.', '2000-01-01T00:00:00Z')
  since?: string;

  @DateTimeParam('until', 'Only events at or before this time.', '2100-01-01T00:00:00Z')
  until?: string;

  @PageLimit()
  limit?: number;

  @PageCursor()
  cursor?: string;
}
