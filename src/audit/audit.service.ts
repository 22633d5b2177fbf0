import { Injectable } from '@nestjs/common';
import { Principal } from '../domain/principal';
import { ValidationFailedError } from '../common/domain-errors';
import { PageCursors } from '../paging/page-cursors';
import { DEFAULT_PAGE_LIMIT } from '../paging/page-params';
import { auditEventView } from './audit-event-view';
import { assertMayFilterByUsername, auditScopeOf } from './audit-access';
import { AuditEventRepository, AuditFilter } from './audit-event.repository';
import { AuditEventListDto } from './dto/audit-event.dto';
import { ListAuditEventsQuery } from './dto/list-audit-events.query';

/** Reading the audit log, and purging what is past retention (exported, so a host's own code can read it too). */
@Injectable()
export class AuditService {
  constructor(
    private readonly events: AuditEventRepository,
    private readonly cursors: PageCursors,
  ) {}

  /**
   * One page of the events the caller may see that pass `query`, newest first. The scope applies
   * beneath every filter: a filter only narrows it. `next_cursor` continues the listing; a cursor
   * is bound to the caller and the query.
   */
  async list(principal: Principal, query: ListAuditEventsQuery = {}): Promise<AuditEventListDto> {
    const { token_id: tokenId, username, type, since, until, limit = DEFAULT_PAGE_LIMIT, cursor } = query;
    assertMayFilterByUsername(principal, username);
    const filter: AuditFilter = { tokenId, username, type, since: since === undefined ? undefined : Date.parse(since), until: until === undefined ? undefined : Date.parse(until) };
    if (filter.since !== undefined && filter.until !== undefined && filter.since > filter.until) {
      throw ValidationFailedError.forField('since', 'since must not be after until');
    }
    const scope = auditScopeOf(principal);
    const binding = JSON.stringify([
      'audit',
      principal.userId,
      scope.host,
      scope.port,
      scope.subjectUsername ?? null,
      filter.tokenId ?? null,
      filter.username ?? null,
      filter.type ?? null,
      filter.since ?? null,
      filter.until ?? null,
    ]);
    const from = cursor === undefined ? undefined : this.cursors.open(binding, cursor);
    const page = await this.events.listPage(scope, filter, { after: from?.after ?? null, width: from?.width, limit }, Date.now());
    return { events: page.events.map(auditEventView), next_cursor: page.next && this.cursors.seal(binding, page.next) };
  }

  /** Deletes up to `batch` events that happened at or before `cutoff`; returns how many (retention). */
  purgeBefore(cutoff: number, batch: number): Promise<number> {
    return this.events.purgeBefore(cutoff, batch);
  }
}
