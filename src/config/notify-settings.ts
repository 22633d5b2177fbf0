import { AuditEventType } from '../audit/audit-event';
import { EventWebhookOptions } from '../event-delivery/event-webhook.options';
import { Environment, readInteger } from './environment';

/** A number of days, fractions allowed ("0.5"); its range is the module validator's business. */
function readDays(env: Environment, name: string, problems: string[]): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(raw)) {
    problems.push(`${name} must be a number of days, e.g. 90 or 0.5 (got "${env[name]}")`);
    return undefined;
  }
  return Number(raw);
}

/** EXPIRY_NOTICE_DAYS: "7,1", "0.5", or "none" (no notices). Unset = the module's default. */
export function readExpiryNoticeDays(env: Environment, problems: string[]): number[] | undefined {
  const raw = env.EXPIRY_NOTICE_DAYS?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (raw.toLowerCase() === 'none') return [];
  const parts = raw.split(',').map((part) => part.trim());
  if (!parts.every((part) => /^\d+(\.\d+)?$/.test(part))) {
    problems.push(`EXPIRY_NOTICE_DAYS must be a comma list of days before expiry, e.g. 7,1 or 30,7,0.5, or none (got "${raw}")`);
    return undefined;
  }
  return parts.map(Number);
}

export function readRevokeUnusedDays(env: Environment, problems: string[]): number | undefined {
  return readDays(env, 'TOKEN_REVOKE_UNUSED_DAYS', problems);
}

/** NOTIFY_SCAN_INTERVAL_SECONDS, as the module's milliseconds. */
export function readLifecycleScanIntervalMs(env: Environment, problems: string[]): number | undefined {
  const seconds = readInteger(env, 'NOTIFY_SCAN_INTERVAL_SECONDS', problems);
  if (seconds === undefined) return undefined;
  if (seconds < 1 || seconds > 86_400) {
    problems.push(`NOTIFY_SCAN_INTERVAL_SECONDS must be an integer from 1 to 86400 (got "${env.NOTIFY_SCAN_INTERVAL_SECONDS}")`);
    return undefined;
  }
  return seconds * 1000;
}

/** NOTIFY_WEBHOOK_URL with its secret and choices; undefined when no URL is set (the others alone are a mistake). */
export function readEventWebhook(env: Environment, problems: string[]): EventWebhookOptions | undefined {
  const url = env.NOTIFY_WEBHOOK_URL?.trim();
  const secret = env.NOTIFY_WEBHOOK_SECRET ?? '';
  const events = env.NOTIFY_EVENTS?.trim();
  const maxAttempts = readInteger(env, 'NOTIFY_MAX_ATTEMPTS', problems);
  if (!url) {
    const stray = [secret && 'NOTIFY_WEBHOOK_SECRET', events && 'NOTIFY_EVENTS', maxAttempts !== undefined && 'NOTIFY_MAX_ATTEMPTS'].filter(Boolean);
    if (stray.length) problems.push(`${stray.join(', ')} set without NOTIFY_WEBHOOK_URL: set the receiver's URL, or unset them`);
    return undefined;
  }
  if (!secret) problems.push('NOTIFY_WEBHOOK_SECRET must be set with NOTIFY_WEBHOOK_URL (at least 32 characters; the receiver checks signatures with it)');
  return {
    url,
    secret,
    events: !events ? undefined : events === '*' ? '*' : (events.split(',').map((type) => type.trim()).filter(Boolean) as AuditEventType[]),
    maxAttempts,
  };
}
