import { AuditParty } from './audit-event';

/**
 * An event that can repeat many times a second (a failed authentication, a token used from a
 * forbidden address): counted in memory and written as one event per key and minute, with the
 * count, so a flood of them cannot flood the store.
 */
export interface RepeatedEvent {
  type: 'auth.failed' | 'token.ip_denied';
  /** What repeats (a credential, a username, a token and address): within a minute, one event per key. */
  key: string;
  at: number;
  /** The subject's FalkorDB server; null when not known (the store's own server is used). */
  server: { host: string; port: number } | null;
  actor: AuditParty;
  subject: AuditParty;
  ip: string | null;
  userAgent: string | null;
  /** Nothing secret: it is shown to the subject and to admins. */
  detail: Record<string, unknown>;
}

/** The minute an event falls in (epoch ms of its start). */
export function minuteOf(at: number): number {
  return Math.floor(at / 60_000) * 60_000;
}

/** A repeated event as written: the first occurrence in its minute, the last one, and how many there were. */
export interface AggregatedEvent {
  /** Unique per type, key and minute: the same minute's events from any instance merge into one. */
  aggregateKey: string;
  event: RepeatedEvent;
  count: number;
  lastAt: number;
}
