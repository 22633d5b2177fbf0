import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import type { RequestDrain } from './request-drain';
import { errorMessage } from '../common/error-message';

/** No request in flight for this long: the clients (or the load balancer) have gone elsewhere. */
export const QUIET_MS = 500;
/**
 * Before the listening socket closes, responses are held until no connection has been accepted
 * for this long (at most MAX_HOLD_MS): see stopListening().
 */
const SETTLE_MS = 100;
const MAX_HOLD_MS = 1_000;
/** Requests still running this long after the listener closed lose their connections. */
const FORCE_CLOSE_AFTER_MS = 5_000;

export interface GracefulShutdownOptions {
  /** The application: close() closes HTTP, then runs the shutdown hooks (store connection, embedded FalkorDB). */
  app: { close(): Promise<void> };
  /** The application's Node.js HTTP server. */
  server: Server;
  /** The drain the application's hooks consult (readiness, `Connection: close`, held responses). */
  drain: RequestDrain;
  /** Longest wait for in-flight requests to end before HTTP closes anyway. */
  graceMs: number;
  logger?: Pick<Logger, 'log' | 'warn' | 'error'>;
  signals?: NodeJS.Signals[];
  /** What ends the process once shut down (process.exit). */
  exit?: (code: number) => void;
}

/** A copy of the first signal arriving this soon after it is the same request to stop (see below). */
const SAME_SIGNAL_WINDOW_MS = 1000;

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * On SIGTERM or SIGINT: drain, close HTTP, close FalkorDB, exit 0. Nest's own enableShutdownHooks()
 * would close the HTTP server at once, resetting keep-alive connections a request was arriving on
 * and refusing (503) requests on open connections. Instead:
 *
 * 1. draining starts: /health/ready answers 503 so a load balancer stops sending traffic, and
 *    every response carries `Connection: close`, so clients move off their connections;
 * 2. it waits until no request has been in flight for QUIET_MS, or at most `graceMs`;
 * 3. the listening socket closes (stopListening), idle connections are closed, requests still
 *    running finish (their connections close after the response);
 * 4. only then do the shutdown hooks close the token store connection and the embedded FalkorDB,
 *    which the requests of steps 1-3 still needed; then the process exits 0.
 *
 * A second signal cuts the wait of step 2 short, unless it is the same signal within a second of
 * the first: Ctrl-C under `npm start` reaches the service twice (the terminal signals the whole
 * foreground process group, and npm forwards its own copy), and one Ctrl-C must drain.
 */
export function installGracefulShutdown(options: GracefulShutdownOptions): void {
  const { drain, signals = ['SIGTERM', 'SIGINT'], exit = (code: number) => process.exit(code) } = options;
  const logger = options.logger ?? new Logger('Shutdown');
  let started: { signal: NodeJS.Signals; at: number } | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) {
      if (signal === started.signal && Date.now() - started.at < SAME_SIGNAL_WINDOW_MS) return;
      logger.warn(`${signal} again: not waiting for in-flight requests any longer`);
      drain.cutShort();
      return;
    }
    started = { signal, at: Date.now() };
    void shutDown(signal, options, logger).then(exit);
  };
  for (const signal of signals) process.on(signal, onSignal);
}

async function shutDown(signal: NodeJS.Signals, options: GracefulShutdownOptions, logger: Pick<Logger, 'log' | 'warn' | 'error'>): Promise<number> {
  const { app, server, drain, graceMs } = options;
  try {
    logger.log(`${signal} received: draining (not ready, connections closing) for up to ${seconds(graceMs)}`);
    drain.begin();
    const outcome = await drain.waitForQuiet(QUIET_MS, graceMs);
    logger.log(
      outcome === 'quiet'
        ? `Drained: no request in flight for ${seconds(QUIET_MS)}; closing HTTP`
        : `Closing HTTP with ${drain.inFlight} request(s) in flight (${outcome === 'grace' ? `grace of ${seconds(graceMs)} over` : 'cut short'})`,
    );

    const httpClosed = new Promise<void>((resolve) => server.once('close', () => resolve()));
    await stopListening(server, drain);
    const forceClose = setTimeout(() => {
      logger.warn(`${drain.inFlight} request(s) still running ${seconds(FORCE_CLOSE_AFTER_MS)} after HTTP closed: closing their connections`);
      server.closeAllConnections();
    }, FORCE_CLOSE_AFTER_MS);
    await httpClosed;
    clearTimeout(forceClose);

    // Nest's close: the HTTP adapter (already closed) and then the shutdown hooks, FalkorDB last.
    await app.close();
    logger.log('Shutdown complete');
    return 0;
  } catch (error) {
    logger.error(`Shutdown failed: ${errorMessage(error)}`);
    return 1;
  }
}

/**
 * Closes the listening socket without resetting anyone. Under load with `Connection: close`,
 * clients keep opening new connections, and the kernel resets every connection still waiting in
 * the accept queue when the listener closes: the client has already sent its request and gets
 * ECONNRESET (measured: up to one per client per shutdown). So responses are held until no
 * connection has been accepted for SETTLE_MS: by then every client that is sending is waiting
 * for a response on an accepted connection, and none is between two connections. Then the
 * listener closes (Node.js also closes the idle keep-alive connections) and the held responses
 * go out with `Connection: close`; a client's next connection is refused, which is safe to retry.
 */
async function stopListening(server: Server, drain: RequestDrain): Promise<void> {
  drain.hold();
  try {
    const holdStart = Date.now();
    let lastConnection = holdStart;
    const onConnection = () => (lastConnection = Date.now());
    server.on('connection', onConnection);
    for (;;) {
      await sleep(10);
      // Decide right after an I/O poll (setImmediate runs after it): had the event loop stalled,
      // a timer alone would run before the connections queued meanwhile were accepted and counted.
      await new Promise((resolve) => setImmediate(resolve));
      const now = Date.now();
      if (now - lastConnection >= SETTLE_MS || now - holdStart >= MAX_HOLD_MS) break;
    }
    server.off('connection', onConnection);
    server.close();
  } finally {
    drain.release();
  }
}
