import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo, isIP } from 'node:net';
import { Registry } from 'prom-client';

/** Scrapers are few; a flood of connections to the metrics port is refused past this. */
const MAX_CONNECTIONS = 64;

/** Host names the listener answers to besides IP literals and `localhost` (`*` = any). */
export type MetricsHosts = readonly string[] | '*';

/** The Host header's name, without its port (`[::1]:9464` -> `::1`). */
function hostNameOf(request: IncomingMessage): string {
  const host = (request.headers.host ?? '').toLowerCase();
  const bracketed = /^\[([^\]]+)\]/.exec(host);
  return bracketed ? bracketed[1] : host.replace(/:\d+$/, '');
}

/**
 * `GET /metrics` on a listener of its own (METRICS_HOST:METRICS_PORT), never on the API's port,
 * so metrics are not public by accident when the API is. Anything else is 404; a Host the service
 * does not answer to is 421, as on the API (a web page cannot read it through DNS rebinding).
 * Concurrent scrapes share one collection.
 */
export class MetricsListener {
  private collecting?: Promise<string>;

  private constructor(
    private readonly server: Server,
    private readonly registry: Registry,
  ) {}

  static async start(registry: Registry, host: string, port: number, allowedHosts: MetricsHosts = []): Promise<MetricsListener> {
    const server = createServer();
    const listener = new MetricsListener(server, registry);
    server.maxConnections = MAX_CONNECTIONS;
    server.on('request', (request, response) => {
      const name = hostNameOf(request);
      if (allowedHosts !== '*' && !isIP(name) && name !== 'localhost' && !allowedHosts.includes(name)) {
        response.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end('This listener does not answer to that Host name (see ALLOWED_HOSTS)\n');
        return;
      }
      const path = (request.url ?? '').split('?')[0];
      if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: metrics are at GET /metrics\n');
        return;
      }
      listener.collect().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(request.method === 'HEAD' ? undefined : text),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`Metrics could not be collected: ${String(error)}\n`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return listener;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private collect(): Promise<string> {
    this.collecting ??= this.registry.metrics().finally(() => (this.collecting = undefined));
    return this.collecting;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
