import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of every delivery. */
export const WEBHOOK_HEADERS = {
  event: 'x-falkordb-pat-event',
  delivery: 'x-falkordb-pat-delivery',
  timestamp: 'x-falkordb-pat-timestamp',
  signature: 'x-falkordb-pat-signature',
} as const;

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`: the timestamp is signed, so a replay cannot restamp an old body. */
export function webhookSignature(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/**
 * What a receiver checks (exported for Node receivers): the signature matches, compared in
 * constant time, and the timestamp is within `toleranceSeconds` of `now` (replays of old
 * deliveries are refused; deliveries are deduplicated on X-FalkorDB-PAT-Delivery besides).
 */
export function isValidWebhookSignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  rawBody: string,
  toleranceSeconds = 300,
  now = Date.now(),
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, rawBody));
  const given = Buffer.from(headers.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
