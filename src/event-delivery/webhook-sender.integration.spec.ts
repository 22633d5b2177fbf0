import { WebhookReceiver } from '../../test/support/webhook-receiver';
import { freePort } from '../../test/support/free-port';
import { AuditEventDto } from '../audit/dto/audit-event.dto';
import { resolveEventWebhook } from './event-webhook.options';
import { isValidWebhookSignature } from './webhook-signature';
import { WebhookSender } from './webhook-sender';

const SECRET = 'sender-spec-secret-0123456789abcdefghijk';
const EVENT: AuditEventDto = {
  id: 'e-1',
  at: '2026-12-07T00:00:00Z',
  type: 'token.revoked',
  actor: { username: 'alice', token_id: 't-1' },
  subject: { username: 'alice', token_id: 't-1' },
  ip: null,
  user_agent: null,
  detail: { reason: 'owner' },
};

describe('WebhookSender (real HTTP receiver)', () => {
  let receiver: WebhookReceiver;
  const senderTo = (url: string, timeoutMs = 5000) => new WebhookSender(resolveEventWebhook({ url, secret: SECRET, timeoutMs }), 'spec/1');

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });

  afterAll(async () => {
    await receiver?.stop();
  });

  it('counts only a 2xx answer as delivered, and signs what it sends', async () => {
    receiver.answer = () => ({ status: 202 });
    await expect(senderTo(receiver.url()).send(EVENT, Date.now())).resolves.toEqual({ delivered: true, status: 202 });
    const sent = receiver.received.at(-1)!;
    const headers = { timestamp: sent.headers['x-falkordb-pat-timestamp'] as string, signature: sent.headers['x-falkordb-pat-signature'] as string };
    expect(isValidWebhookSignature(SECRET, headers, sent.rawBody)).toBe(true);
    expect(JSON.parse(sent.rawBody)).toEqual(EVENT);
    receiver.answer = () => ({ status: 500 });
    await expect(senderTo(receiver.url()).send(EVENT, Date.now())).resolves.toEqual({ delivered: false, error: 'HTTP 500' });
  });

  it('does not follow redirects', async () => {
    receiver.answer = (delivery) => (delivery.path === '/moved' ? { status: 200 } : { status: 302, headers: { location: '/moved' } });
    const before = receiver.received.length;
    await expect(senderTo(receiver.url('/hook')).send(EVENT, Date.now())).resolves.toEqual({ delivered: false, error: 'HTTP 302: redirect not followed' });
    expect(receiver.received.slice(before).map((delivery) => delivery.path)).toEqual(['/hook']);
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    receiver.answer = () => 'hang';
    await expect(senderTo(receiver.url(), 200).send(EVENT, Date.now())).resolves.toEqual({ delivered: false, error: 'no answer within 200 ms' });
  });

  it('reports a refused connection', async () => {
    await expect(senderTo(`http://127.0.0.1:${await freePort()}/`).send(EVENT, Date.now())).resolves.toEqual({ delivered: false, error: 'ECONNREFUSED' });
  });
});
