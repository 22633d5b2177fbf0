import { AuditEventDto } from '../audit/dto/audit-event.dto';
import { errorMessage } from '../common/error-message';
import { ResolvedEventWebhook } from './event-webhook.options';
import { WEBHOOK_HEADERS, webhookSignature } from './webhook-signature';

/** What one attempt came to: taken (a 2xx answer), or why not. */
export type DeliveryOutcome = { delivered: true; status: number } | { delivered: false; error: string };

/** The network error behind a failed fetch (undici keeps it as `cause`), e.g. ECONNREFUSED. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? errorMessage(error);
}

/**
 * POSTs one event to the receiver, signed: headers X-FalkorDB-PAT-Event (type), -Delivery (event
 * id, for deduplication), -Timestamp (unix seconds) and -Signature. Only a 2xx answer counts;
 * redirects are not followed (a signed event goes nowhere the operator did not name), and an
 * attempt ends after the timeout whatever the receiver is doing.
 */
export class WebhookSender {
  constructor(
    private readonly webhook: ResolvedEventWebhook,
    private readonly userAgent: string,
  ) {}

  async send(event: AuditEventDto, now: number): Promise<DeliveryOutcome> {
    const body = JSON.stringify(event);
    const timestamp = Math.floor(now / 1000);
    try {
      const response = await fetch(this.webhook.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.webhook.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': this.userAgent,
          [WEBHOOK_HEADERS.event]: event.type,
          [WEBHOOK_HEADERS.delivery]: event.id,
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.signature]: webhookSignature(this.webhook.secret, timestamp, body),
        },
        body,
      });
      // The answer's body is not needed: released so the connection is reused.
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { delivered: true, status: response.status };
      if (response.status >= 300 && response.status < 400) return { delivered: false, error: `HTTP ${response.status}: redirect not followed` };
      return { delivered: false, error: `HTTP ${response.status}` };
    } catch (error) {
      const name = (error as { name?: string })?.name;
      if (name === 'TimeoutError' || name === 'AbortError') return { delivered: false, error: `no answer within ${this.webhook.timeoutMs} ms` };
      return { delivered: false, error: causeOf(error) };
    }
  }
}
