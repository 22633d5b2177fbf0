import { STATUS_CODES } from 'node:http';
import { LoggerService, Logger } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { AppModule } from './app.module';
import { PROBLEM_CONTENT_TYPE } from './common/problem-details';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { requestIdFor } from './common/request-id';
import { AccessLog, LoggerAccessLog } from './http/access-log';
import { isAllowedHost } from './http/host-allow-list';
import { ALWAYS_SECURITY_HEADERS, securityHeadersFor } from './http/security-headers';
import { AppConfig } from './config/app-config';
import { MetricsSettings } from './config/observability-settings';
import { errorMessage } from './common/error-message';
import { MetricsHosts, MetricsListener } from './metrics/metrics-listener';
import { PatMetrics } from './metrics/pat-metrics';
import { RequestDrain } from './shutdown/request-drain';
import { setupSwagger } from './swagger';

/** Largest JSON body accepted; every request body of this API is a few hundred bytes. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Errors Fastify answers before any route runs (a URL with broken percent-encoding, a path
 * parameter over the router's length limit): problem details like every other error, never echoing the URL.
 */
function frameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const detail = status === 414 ? 'A path parameter is too long' : 'The request URL is malformed (invalid percent-encoding)';
  const problem = { type: 'about:blank', title: STATUS_CODES[status] ?? 'Bad Request', status, detail, message: detail };
  void reply.code(status).header('Content-Type', PROBLEM_CONTENT_TYPE).header('X-Request-Id', request.id).send(JSON.stringify(problem));
}

/** A request addressed to a host name this service does not answer to (DNS rebinding). */
function hostNotAllowed(request: FastifyRequest, reply: FastifyReply): void {
  const detail = 'This service does not answer to that Host name (see ALLOWED_HOSTS)';
  const problem = { type: 'about:blank', title: 'Misdirected Request', status: 421, detail, message: detail, code: 'HOST_NOT_ALLOWED' };
  void reply.code(421).header('Content-Type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** While draining, the readiness probe says so, whatever FalkorDB's state: a load balancer should move on. */
function notReadyWhileDraining(request: FastifyRequest, reply: FastifyReply): void {
  const detail = 'The service is shutting down';
  const problem = { type: 'about:blank', title: 'Service Unavailable', status: 503, detail, message: detail, code: 'SHUTTING_DOWN' };
  void reply.code(503).header('Content-Type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** The URL without its query string. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

export interface CreateAppOptions {
  /** Nest logger; false silences it. Default: Nest's console logger. */
  logger?: LoggerService | false;
  /** Where one line per request goes. Default: the Nest logger (context `HTTP`). */
  accessLog?: AccessLog;
  /**
   * The drain a graceful shutdown starts (main.ts, on SIGTERM): readiness 503, `Connection: close`
   * on every response, responses held while the listener closes. Without one, draining starts
   * only when the app is closed.
   */
  drain?: RequestDrain;
}

/**
 * Builds the standalone Fastify application (used by main.ts and the end-to-end tests): security
 * headers, CORS only when configured, body limit, request ids, one structured log line per request.
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => requestIdFor(request.headers['x-request-id']),
    // Fastify's own logger stays off: requests are logged once, below, without headers or query strings.
    logger: false,
    frameworkErrors: frameworkError,
    // Requests arriving on open connections while HTTP closes are served (with `Connection: close`),
    // not refused with 503: a graceful shutdown has already drained the load balancer's traffic.
    return503OnClosing: false,
  });
  // The service's own registry: its metrics and Node's process metrics, served on the metrics listener.
  const registry = config.metrics ? new Registry() : undefined;
  if (registry) collectNodeMetrics(registry);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, registry), adapter, {
    logger: options.logger,
    // Every body of this API is JSON: Fastify's own JSON parser (bounded by bodyLimit) is the only
    // one, so a body of another type (curl -d without a Content-Type sends a form) is a clear 415.
    bodyParser: false,
  });

  if (config.corsOrigins.length) {
    app.enableCors({
      origin: config.corsOrigins,
      credentials: true,
      exposedHeaders: ['X-Request-Id', 'WWW-Authenticate', 'Retry-After'],
    });
  }

  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('text/plain');
  const drain = options.drain ?? new RequestDrain();
  drain.track(app.getHttpServer(), (request) => (request.url ?? '').startsWith('/health/'));
  const accessLog = options.accessLog ?? new LoggerAccessLog(new Logger('HTTP'));
  // The metrics listener, started once the app is ready, closes with it.
  let metricsListener: MetricsListener | undefined;
  fastify.addHook('onClose', (_instance, done) => {
    accessLog.flush();
    if (metricsListener) void metricsListener.close().then(() => done());
    else done();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id);
    // Also here, for the rare answer that skips onSend (Fastify's last-resort error handler).
    void reply.headers(ALWAYS_SECURITY_HEADERS);
    if (!isAllowedHost(config.allowedHosts, request.headers.host)) return hostNotAllowed(request, reply);
    if (drain.isDraining && request.routeOptions.url === '/health/ready') return notReadyWhileDraining(request, reply);
    done();
  });
  // Closed without a drain (tests, a host's own shutdown): draining starts now, so requests in
  // flight still finish but their keep-alive connections do not hold the server open for
  // keepAliveTimeout (72 s) afterwards.
  fastify.addHook('preClose', (done) => {
    drain.begin();
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    // Chosen here, where the answer's type is known (every response passes this hook); a header the
    // route set itself (the settings page's own Content-Security-Policy) is kept.
    const headers = securityHeadersFor(reply.getHeader('content-type'));
    // Only pages set security headers of their own; everything else takes the whole set at once.
    if (!reply.hasHeader('content-security-policy')) void reply.headers(headers);
    else for (const name of Object.keys(headers)) if (!reply.hasHeader(name)) void reply.header(name, headers[name]);
    // Fastify answers a malformed URL on a method with no routes straight from its 404 handler,
    // skipping onRequest; onSend still runs there.
    if (!reply.hasHeader('X-Request-Id')) void reply.header('X-Request-Id', request.id);
    // Draining: the client is served, then moves off this connection (to another instance, or
    // to a refused connect once the listener is closed) instead of having it reset under it.
    if (drain.isDraining) void reply.header('Connection', 'close');
    const gate = drain.responseGate;
    if (gate) void gate.then(() => done(null, payload));
    else done(null, payload);
  });
  const metrics = registry ? app.get(PatMetrics) : undefined;
  fastify.addHook('onResponse', (request, reply, done) => {
    // The route's template (`/api/auth/tokens/:tokenId`), never the raw path: bounded label values.
    metrics?.httpRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    accessLog.record({
      requestId: request.id,
      method: request.method,
      // The path only: query strings may carry user data, and headers (Authorization, Cookie) are never logged.
      path: pathOf(request.url),
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      client: request.ip,
    });
    done();
  });

  // Errors outside our controllers (unknown routes, body parsing) get problem details too.
  app.useGlobalFilters(new ProblemDetailsFilter(app.get(HttpAdapterHost)));
  setupSwagger(app);
  try {
    await app.init();
  } catch (error) {
    // A startup refusal after the store connected (an exposed token store, say) must not leave
    // connections or embedded servers behind in the process that asked.
    await app.close().catch(() => undefined);
    throw error;
  }
  await fastify.ready();
  if (registry && config.metrics) metricsListener = await listenForMetrics(app, registry, config.metrics, config.allowedHosts);
  return app;
}

/**
 * prom-client's default process and Node metrics, less three gauges it names with `_total` (a
 * counter's suffix), which `promtool check metrics` rejects and dashboards misread as counters.
 */
function collectNodeMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
}

/** The metrics listener; a port in use stops startup with the remedy. */
async function listenForMetrics(app: NestFastifyApplication, registry: Registry, { host, port }: MetricsSettings, allowedHosts: MetricsHosts): Promise<MetricsListener> {
  try {
    return await MetricsListener.start(registry, host, port, allowedHosts);
  } catch (error) {
    await app.close().catch(() => undefined);
    const inUse = (error as { code?: string }).code === 'EADDRINUSE';
    throw new Error(inUse ? `METRICS_PORT ${port} on ${host} is in use (another instance?): set METRICS_PORT to a free port, or 0 for no metrics` : errorMessage(error));
  }
}
