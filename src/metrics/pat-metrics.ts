import { Counter, Gauge, Histogram, Metric, Registry } from 'prom-client';
import { REVOCATION_REASONS } from '../domain/token-permissions';
import { sharedRead } from './shared-read';

/** How a presented token or session cookie fared. */
export const AUTHENTICATION_RESULTS = ['ok', 'invalid', 'expired', 'revoked', 'ip_denied', 'rate_limited', 'store_unavailable'] as const;
export type AuthenticationResult = (typeof AUTHENTICATION_RESULTS)[number];

/** How a Graph API command ended. */
export const GRAPH_QUERY_OUTCOMES = ['ok', 'client_error', 'forbidden', 'timeout', 'refused', 'error'] as const;
export type GraphQueryOutcome = (typeof GRAPH_QUERY_OUTCOMES)[number];

/** What one webhook delivery attempt came to. */
export const WEBHOOK_DELIVERY_RESULTS = ['delivered', 'retried', 'failed'] as const;
export type WebhookDeliveryResult = (typeof WEBHOOK_DELIVERY_RESULTS)[number];

/** Seconds: authentication is a few hundred microseconds, a store read a few milliseconds. */
const AUTHENTICATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
/** Seconds: Graph API commands run up to their time limit (60 s at most). */
const QUERY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/** HTTP methods kept as label values; any other a client sends is counted as `other`. */
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** One method and route's HTTP series: its counters by status, its duration histogram. */
interface HttpRouteSeries {
  byStatus: Map<number, { inc(): void }>;
  seconds: { observe(value: number): void };
}

/** A value read when Prometheus scrapes (undefined: unknown, the gauge shows NaN). */
export type ScrapedValue = () => number | undefined | Promise<number | undefined>;

/**
 * The service's metrics, in one prom-client registry (the service's own, or the host's). Labels
 * hold only values from the fixed lists above, HTTP methods, route templates and status codes:
 * never a token, token id, username, address or raw path, so there are few series whatever the load.
 */
export class PatMetrics {
  private readonly authentications: Counter<'kind' | 'result'>;
  private readonly authenticationSeconds: Histogram<'kind'>;
  private readonly tokensCreated: Counter;
  private readonly tokensRevoked: Counter<'reason'>;
  private readonly graphQueries: Counter<'outcome'>;
  private readonly graphQuerySeconds: Histogram;
  private readonly failovers: Counter;
  private readonly webhookDeliveries: Counter<'result'>;
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpSeconds: Histogram<'method' | 'route'>;
  private activeTokensSource?: ScrapedValue;
  private storeUpSource?: ScrapedValue;
  /** The metrics this instance added to the registry (not those it found there), removed when its app closes. */
  private readonly added: string[] = [];
  /**
   * Labelled children by their label values: prom-client hashes the labels on every `labels()`
   * call, a third of the cost of counting a request; the set of keys is bounded like the labels.
   */
  private readonly children = new Map<string, { inc(): void } | { observe(value: number): void }>();
  /** HTTP series by method, then route template. */
  private readonly httpSeries = new Map<string, Map<string, HttpRouteSeries>>();

  constructor(readonly registry: Registry) {
    // Every metric is created through `registered`: a second app in the host's process (tests, a
    // rebuilt app) counts into the metrics the first one registered instead of failing on the name.
    const registers: Registry[] = [];
    const registered = <T extends Metric>(name: string, create: () => T): T => {
      const existing = registry.getSingleMetric(name);
      if (existing) return existing as T;
      const metric = create();
      registry.registerMetric(metric);
      this.added.push(name);
      return metric;
    };
    this.authentications = registered('falkordb_pat_authentications_total', () => new Counter({
      name: 'falkordb_pat_authentications_total',
      help: 'Presented PATs and session cookies, by credential kind and result',
      labelNames: ['kind', 'result'],
      registers,
    }));
    this.authenticationSeconds = registered('falkordb_pat_authentication_duration_seconds', () => new Histogram({
      name: 'falkordb_pat_authentication_duration_seconds',
      help: 'Time to authenticate a request (signature, store check), by credential kind',
      labelNames: ['kind'],
      buckets: AUTHENTICATION_BUCKETS,
      registers,
    }));
    this.tokensCreated = registered('falkordb_pat_tokens_created_total', () => new Counter({ name: 'falkordb_pat_tokens_created_total', help: 'PATs created (minted or rotated into)', registers }));
    this.tokensRevoked = registered(
      'falkordb_pat_tokens_revoked_total',
      () => new Counter({ name: 'falkordb_pat_tokens_revoked_total', help: 'PATs revoked, by reason', labelNames: ['reason'], registers }),
    );
    const activeTokens = (): ScrapedValue | undefined => this.activeTokensSource;
    registered('falkordb_pat_active_tokens', () => new Gauge({
      name: 'falkordb_pat_active_tokens',
      help: 'Active PATs in the token store (its per-user counters); NaN while the store does not answer',
      registers,
      async collect() {
        this.set((await activeTokens()?.()) ?? NaN);
      },
    }));
    this.graphQueries = registered(
      'falkordb_pat_graph_queries_total',
      () => new Counter({ name: 'falkordb_pat_graph_queries_total', help: 'Graph API commands, by outcome', labelNames: ['outcome'], registers }),
    );
    this.graphQuerySeconds = registered(
      'falkordb_pat_graph_query_duration_seconds',
      () => new Histogram({ name: 'falkordb_pat_graph_query_duration_seconds', help: 'Graph API command time', buckets: QUERY_BUCKETS, registers }),
    );
    const storeUp = (): ScrapedValue | undefined => this.storeUpSource;
    registered('falkordb_pat_store_up', () => new Gauge({
      name: 'falkordb_pat_store_up',
      help: '1 while the token store answers, 0 while it does not',
      registers,
      async collect() {
        this.set((await storeUp()?.()) ?? NaN);
      },
    }));
    this.failovers = registered('falkordb_pat_failovers_total', () => new Counter({ name: 'falkordb_pat_failovers_total', help: 'Token store primary changes followed (Sentinel)', registers }));
    this.webhookDeliveries = registered('falkordb_pat_webhook_deliveries_total', () => new Counter({
      name: 'falkordb_pat_webhook_deliveries_total',
      help: 'Event webhook delivery attempts, by result',
      labelNames: ['result'],
      registers,
    }));
    this.httpRequests = registered('falkordb_pat_http_requests_total', () => new Counter({
      name: 'falkordb_pat_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    }));
    this.httpSeconds = registered('falkordb_pat_http_request_duration_seconds', () => new Histogram({
      name: 'falkordb_pat_http_request_duration_seconds',
      help: 'HTTP request time, by method and route template',
      labelNames: ['method', 'route'],
      buckets: HTTP_BUCKETS,
      registers,
    }));
    // Every labelled series exists from the start at 0, so rate() and absent() work before the first event.
    for (const kind of ['pat', 'session']) {
      for (const result of AUTHENTICATION_RESULTS) this.authentications.labels(kind, result);
    }
    for (const outcome of GRAPH_QUERY_OUTCOMES) this.graphQueries.labels(outcome);
    for (const result of WEBHOOK_DELIVERY_RESULTS) this.webhookDeliveries.labels(result);
    for (const reason of REVOCATION_REASONS) this.tokensRevoked.labels(reason);
  }

  /** Nest calls it when the app closes: the metrics this instance added leave the registry (a host's app may be built again). */
  onModuleDestroy(): void {
    for (const name of this.added.splice(0)) this.registry.removeSingleMetric(name);
  }

  authentication(kind: 'pat' | 'session', result: AuthenticationResult, seconds: number): void {
    this.counterChild(`a|${kind}|${result}`, () => this.authentications.labels(kind, result)).inc();
    this.histogramChild(`as|${kind}`, () => this.authenticationSeconds.labels(kind)).observe(seconds);
  }

  private counterChild(key: string, create: () => { inc(): void }): { inc(): void } {
    let child = this.children.get(key) as { inc(): void } | undefined;
    if (!child) this.children.set(key, (child = create()));
    return child;
  }

  private histogramChild(key: string, create: () => { observe(value: number): void }): { observe(value: number): void } {
    let child = this.children.get(key) as { observe(value: number): void } | undefined;
    if (!child) this.children.set(key, (child = create()));
    return child;
  }

  tokenCreated(): void {
    this.tokensCreated.inc();
  }

  tokensRevokedFor(reason: string, count: number): void {
    if (count > 0) this.tokensRevoked.labels(reason).inc(count);
  }

  graphQuery(outcome: GraphQueryOutcome, seconds: number): void {
    this.counterChild(`g|${outcome}`, () => this.graphQueries.labels(outcome)).inc();
    this.graphQuerySeconds.observe(seconds);
  }

  failover(): void {
    this.failovers.inc();
  }

  webhookDelivery(result: WebhookDeliveryResult): void {
    this.webhookDeliveries.labels(result).inc();
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    const known = HTTP_METHODS.has(method) ? method : 'other';
    const series = this.httpSeriesOf(known, route);
    let counted = series.byStatus.get(status);
    if (!counted) series.byStatus.set(status, (counted = this.httpRequests.labels(known, route, String(status))));
    counted.inc();
    series.seconds.observe(seconds);
  }

  /** The HTTP series of a method and route, found without building a key string per request. */
  private httpSeriesOf(method: string, route: string): HttpRouteSeries {
    let byRoute = this.httpSeries.get(method);
    if (!byRoute) this.httpSeries.set(method, (byRoute = new Map<string, HttpRouteSeries>()));
    let series = byRoute.get(route);
    if (!series) byRoute.set(route, (series = { byStatus: new Map(), seconds: this.httpSeconds.labels(method, route) }));
    return series;
  }

  /** Where `falkordb_pat_active_tokens` is read from at scrape time (once a second at most: sharedRead). */
  readActiveTokensFrom(source: ScrapedValue): void {
    this.activeTokensSource = sharedRead(async () => source());
  }

  /** Where `falkordb_pat_store_up` is read from at scrape time (once a second at most: sharedRead). */
  readStoreUpFrom(source: ScrapedValue): void {
    this.storeUpSource = sharedRead(async () => source());
  }
}
