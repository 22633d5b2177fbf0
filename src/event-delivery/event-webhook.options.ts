import { AUDIT_EVENT_TYPES, AuditEventType } from '../audit/audit-event';

/** Where audit events are POSTed, and which. */
export interface EventWebhookOptions {
  /** http(s) URL of the receiver. Redirects are not followed. */
  url: string;
  /** HMAC-SHA256 key of the `X-FalkorDB-PAT-Signature` header (>= 32 characters). */
  secret: string;
  /** Event types delivered, or `*` for every type. Default DEFAULT_DELIVERED_EVENT_TYPES. */
  events?: readonly AuditEventType[] | '*';
  /** Attempts before an event is recorded as failed. Default 12 (backoff 1 s doubling to 10 min). */
  maxAttempts?: number;
  /** How long one attempt may take. Default 5000 ms. */
  timeoutMs?: number;
}

export const DEFAULT_DELIVERED_EVENT_TYPES: readonly AuditEventType[] = ['token.expiring', 'token.reuse_detected', 'token.leaked_revoked', 'token.revoked'];
export const DEFAULT_WEBHOOK_MAX_ATTEMPTS = 12;
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5000;
export const MIN_WEBHOOK_SECRET_LENGTH = 32;

/** The options with defaults filled in. */
export interface ResolvedEventWebhook {
  url: URL;
  secret: string;
  events: ReadonlySet<AuditEventType>;
  maxAttempts: number;
  timeoutMs: number;
}

/** Every problem with the options, each starting with the option's name (`eventWebhook.`). */
export function eventWebhookProblems(options: EventWebhookOptions): string[] {
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(options.url);
  } catch {
    // The value itself is not repeated: a receiver's URL may hold a secret path.
    problems.push('eventWebhook.url must be an absolute http or https URL');
  }
  if (url && url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`eventWebhook.url must be http or https (got "${url.protocol}")`);
  if (url && (url.username || url.password)) problems.push('eventWebhook.url must not hold credentials: the receiver checks the signature');
  if (typeof options.secret !== 'string' || options.secret.length < MIN_WEBHOOK_SECRET_LENGTH) {
    problems.push(`eventWebhook.secret must be at least ${MIN_WEBHOOK_SECRET_LENGTH} characters`);
  }
  if (options.events !== undefined && options.events !== '*') {
    const events: unknown = options.events;
    if (!Array.isArray(events) || events.length === 0) problems.push("eventWebhook.events must be a non-empty list of event types, or '*'");
    else {
      const unknown = events.filter((type) => !(AUDIT_EVENT_TYPES as readonly unknown[]).includes(type)).map(String);
      if (unknown.length) problems.push(`eventWebhook.events has unknown types ${unknown.join(', ')} (known: ${AUDIT_EVENT_TYPES.join(', ')})`);
    }
  }
  const { maxAttempts, timeoutMs } = options;
  if (maxAttempts !== undefined && (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100)) problems.push('eventWebhook.maxAttempts must be an integer from 1 to 100');
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000)) problems.push('eventWebhook.timeoutMs must be an integer from 100 to 60000');
  return problems;
}

export function resolveEventWebhook(options: EventWebhookOptions): ResolvedEventWebhook {
  return {
    url: new URL(options.url),
    secret: options.secret,
    events: new Set(options.events === '*' ? AUDIT_EVENT_TYPES : (options.events ?? DEFAULT_DELIVERED_EVENT_TYPES)),
    maxAttempts: options.maxAttempts ?? DEFAULT_WEBHOOK_MAX_ATTEMPTS,
    timeoutMs: options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS,
  };
}
