import { Injectable } from '@nestjs/common';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';
import { CypherKeysetSource } from '../paging/cypher-keyset-source';
import { PageContinuation, PageRequest } from '../paging/keyset';
import { readKeysetPage } from '../paging/windowed-keyset-scan';
import { AUDIT_EVENT_LABEL, AuditEvent, AuditEventType } from './audit-event';
import { EVENT_FIELDS, toEvent } from './audit-event-rows';
import { AggregatedEvent } from './repeated-event';
import { DeliveredEventTypes } from './outbox/delivered-event-types';

/** Which events a caller may see: every event of a server (admins), or only those about one user of it. */
export interface AuditScope {
  host: string;
  port: number;
  /** Undefined = every subject of that server. */
  subjectUsername?: string;
}

export interface AuditFilter {
  /** Events about this token. */
  tokenId?: string;
  /** Events about this user (admins' filter; other callers are scoped to themselves anyway). */
  username?: string;
  type?: AuditEventType;
  /** Inclusive bounds on `at` (epoch ms). */
  since?: number;
  until?: number;
}

export interface AuditPage {
  events: AuditEvent[];
  next: PageContinuation | null;
}

/** Newest first: a first page looks just after now (a minute of leeway for other instances' clocks). */
const CLOCK_LEEWAY_MS = 60_000;
/** Every `at` an event can have (epoch ms, up to the year 2286). */
const AT_DOMAIN = { min: 0, max: 10_000_000_000_000 };

/**
 * Audit events in the store graph: `(:AuditEvent)`, indexed on `at` (listing, retention) and on
 * what listings filter by. Events about a credential change are created by the credential writes
 * themselves (src/credentials/store/audit-event-writes.ts); this reads them, writes the aggregated
 * ones and purges old ones.
 */
@Injectable()
export class AuditEventRepository {
  constructor(
    private readonly store: FalkorDbConnection,
    private readonly delivered: DeliveredEventTypes,
  ) {}

  private get graph(): string {
    return this.store.tokenGraph;
  }

  /**
   * Writes an aggregated event: created the first time its key is written, its count raised after
   * that (the same minute's occurrences from every instance end up in one event).
   */
  async mergeAggregated(aggregated: AggregatedEvent, fallbackServer: { host: string; port: number }): Promise<void> {
    const { event, aggregateKey, count, lastAt } = aggregated;
    const server = event.server ?? fallbackServer;
    await this.store.query(
      this.graph,
      `MERGE (e:${AUDIT_EVENT_LABEL} {aggregate_key: $aggregate_key})
       ON CREATE SET e.event_id = randomUUID(), e.at = $at, e.type = $type, e.host = $host, e.port = $port,
         e.actor_username = $actor_username, e.actor_token_id = $actor_token_id,
         e.subject_username = $subject_username, e.subject_token_id = $subject_token_id,
         e.ip = $ip, e.user_agent = $user_agent, e.detail = $detail, e.count = $count, e.last_at = $last_at,
         e.delivery_due = $delivery_due
       ON MATCH SET e.count = e.count + $count, e.last_at = CASE WHEN e.last_at > $last_at THEN e.last_at ELSE $last_at END`,
      {
        aggregate_key: aggregateKey,
        at: event.at,
        type: event.type,
        host: server.host,
        port: server.port,
        actor_username: event.actor.username,
        actor_token_id: event.actor.tokenId,
        subject_username: event.subject.username,
        subject_token_id: event.subject.tokenId,
        ip: event.ip,
        user_agent: event.userAgent,
        detail: JSON.stringify(event.detail),
        count,
        last_at: lastAt,
        // Delivered once, when created: later occurrences only raise its count.
        delivery_due: this.delivered.dueAt(event.type, event.at),
      },
    );
  }

  /**
   * One page of the events in `scope` that pass `filter`, newest first, after `after`: keyset
   * paging in windows of `at` (see readKeysetPage), so a page costs the same at any size of log.
   */
  async listPage(scope: AuditScope, filter: AuditFilter, page: PageRequest, now: number): Promise<AuditPage> {
    const username = scope.subjectUsername ?? filter.username;
    const source = new CypherKeysetSource(this.store, this.graph, {
      label: AUDIT_EVENT_LABEL,
      keyProperty: 'at',
      idProperty: 'event_id',
      indexed: [
        ...(username === undefined ? [] : ['n.subject_username = $username']),
        ...(filter.tokenId === undefined ? [] : ['n.subject_token_id = $token_id']),
        ...(filter.type === undefined ? [] : ['n.type = $type']),
      ],
      filters: ['n.host = $host AND n.port = $port'],
      params: { host: scope.host, port: scope.port, username: username ?? null, token_id: filter.tokenId ?? null, type: filter.type ?? null },
      domain: AT_DOMAIN,
    });
    const read = await readKeysetPage(source, {
      direction: 'desc',
      after: page.after,
      limit: page.limit,
      domain: { min: Math.max(AT_DOMAIN.min, filter.since ?? AT_DOMAIN.min), max: Math.min(AT_DOMAIN.max, filter.until ?? AT_DOMAIN.max) },
      pivot: now + CLOCK_LEEWAY_MS,
      width: page.width,
    });
    return { events: await this.findByIds(read.rows.map((row) => row.id)), next: read.next };
  }

  private async findByIds(ids: string[]): Promise<AuditEvent[]> {
    if (ids.length === 0) return [];
    const rows = await this.store.readQuery(this.graph, `UNWIND $ids AS id MATCH (e:${AUDIT_EVENT_LABEL} {event_id: id}) RETURN ${EVENT_FIELDS}`, { ids });
    const byId = new Map(rows.map((row) => [String(row.id), toEvent(row)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Deletes up to `batch` events that happened at or before `cutoff` (one indexed range scan). Returns how many. */
  async purgeBefore(cutoff: number, batch: number): Promise<number> {
    const rows = await this.store.query(
      this.graph,
      `MATCH (e:${AUDIT_EVENT_LABEL}) WHERE e.at <= $cutoff WITH e LIMIT $batch DELETE e RETURN count(*) AS deleted`,
      { cutoff, batch },
    );
    return Number(rows[0]?.deleted ?? 0);
  }
}
