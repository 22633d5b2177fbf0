import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the receiver got, exactly as sent. */
export interface ReceivedDelivery {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** What the receiver answered. */
  status: number;
}

/** How the receiver answers a request: a status (and headers), or never (the request hangs until the receiver stops). */
export type ReceiverAnswer = { status: number; headers?: Record<string, string> } | 'hang';

/**
 * A real HTTP receiver for the event webhook: records every request with its raw body, and answers
 * what `answer` says (200 by default). Started on a chosen port it can stand in for a receiver
 * that was down until now.
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  answer: (delivery: Omit<ReceivedDelivery, 'status'>) => ReceiverAnswer = () => ({ status: 200 });
  private readonly hanging = new Set<() => void>();

  private constructor(private readonly server: Server) {}

  static start(port = 0): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const delivery = { path: request.url ?? '', headers: request.headers, rawBody: Buffer.concat(chunks).toString('utf8') };
        const answer = receiver.answer(delivery);
        if (answer === 'hang') {
          receiver.received.push({ ...delivery, status: 0 });
          receiver.hanging.add(() => response.destroy());
          return;
        }
        receiver.received.push({ ...delivery, status: answer.status });
        response.writeHead(answer.status, answer.headers).end();
      });
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(receiver));
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hooks/falkordb-pat'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Deliveries taken (answered 2xx). */
  get accepted(): ReceivedDelivery[] {
    return this.received.filter((delivery) => delivery.status >= 200 && delivery.status < 300);
  }

  async stop(): Promise<void> {
    for (const end of this.hanging) end();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
