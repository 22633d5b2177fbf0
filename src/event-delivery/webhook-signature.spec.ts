import { createHmac } from 'node:crypto';
import { isValidWebhookSignature, webhookSignature } from './webhook-signature';

const SECRET = 'receiver-shared-secret-0123456789abcdef';
const BODY = '{"id":"e1","type":"token.revoked"}';

describe('webhook signatures', () => {
  it('is the hex HMAC-SHA256 of "<timestamp>.<raw body>", as the README tells receivers', () => {
    const expected = createHmac('sha256', SECRET).update(`1700000000.${BODY}`).digest('hex');
    expect(webhookSignature(SECRET, 1_700_000_000, BODY)).toBe(`sha256=${expected}`);
  });

  it('accepts a genuine delivery and refuses a changed body, timestamp, secret, or an old one', () => {
    const now = 1_700_000_000_000;
    const ts = 1_700_000_000;
    const signature = webhookSignature(SECRET, ts, BODY);
    expect(isValidWebhookSignature(SECRET, { timestamp: String(ts), signature }, BODY, 300, now)).toBe(true);
    expect(isValidWebhookSignature(SECRET, { timestamp: String(ts), signature }, BODY.replace('e1', 'e2'), 300, now)).toBe(false);
    expect(isValidWebhookSignature(SECRET, { timestamp: String(ts + 1), signature }, BODY, 300, now)).toBe(false);
    expect(isValidWebhookSignature(`${SECRET}x`, { timestamp: String(ts), signature }, BODY, 300, now)).toBe(false);
    expect(isValidWebhookSignature(SECRET, { timestamp: String(ts), signature }, BODY, 300, now + 301_000)).toBe(false);
    expect(isValidWebhookSignature(SECRET, { timestamp: String(ts), signature: undefined }, BODY, 300, now)).toBe(false);
    expect(isValidWebhookSignature(SECRET, { timestamp: 'x', signature }, BODY, 300, now)).toBe(false);
  });
});
