import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Why the wait for in-flight requests ended. */
export type DrainOutcome = 'quiet' | 'grace' | 'cut-short';

/**
 * The requests side of a graceful shutdown: how many requests are in flight, and whether the
 * service is draining (it then reports not-ready and asks every client to close its connection,
 * see app.factory.ts). Tracked on Node's HTTP server itself, so it counts every request whichever
 * framework answers it, including the ones answered before any route runs.
 *
 * Responses can also be held for a moment (`hold()` / `release()`): while the listening socket is
 * closed, no client must be between two connections, see graceful-shutdown.ts.
 */
export class RequestDrain {
  private inFlightCount = 0;
  private draining = false;
  /** Called whenever the count changes while someone waits for quiet. */
  private onCountChange?: () => void;
  private cutShortWait?: () => void;
  private held?: { released: Promise<void>; release: () => void };

  /**
   * Counts the requests of `server` from now on: a request is in flight until its response closes.
   * `ignore` leaves requests out, such as health probes: a load balancer probing every second
   * during the drain is no traffic to wait for, and would keep the service from ever being quiet.
   */
  track(server: Server, ignore: (request: IncomingMessage) => boolean = () => false): void {
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      if (ignore(request)) return;
      this.inFlightCount += 1;
      this.onCountChange?.();
      // 'close' comes once per response: after it was sent, or when its connection died first.
      response.once('close', () => {
        this.inFlightCount -= 1;
        this.onCountChange?.();
      });
    });
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** From now on the service is draining (idempotent). */
  begin(): void {
    this.draining = true;
  }

  /**
   * Resolves once no request has been in flight for `quietMs` ('quiet'), or after `graceMs`
   * whatever is still running ('grace'), or at cutShort().
   */
  waitForQuiet(quietMs: number, graceMs: number): Promise<DrainOutcome> {
    return new Promise((resolve) => {
      let quietTimer: NodeJS.Timeout | undefined;
      const finish = (outcome: DrainOutcome) => {
        clearTimeout(quietTimer);
        clearTimeout(graceTimer);
        this.onCountChange = undefined;
        this.cutShortWait = undefined;
        resolve(outcome);
      };
      const graceTimer = setTimeout(() => finish('grace'), graceMs);
      // The quiet period restarts each time the count drops to zero, and stops while requests run.
      this.onCountChange = () => {
        clearTimeout(quietTimer);
        quietTimer = this.inFlightCount === 0 ? setTimeout(() => finish('quiet'), quietMs) : undefined;
      };
      this.cutShortWait = () => finish('cut-short');
      this.onCountChange();
    });
  }

  /** Ends a running waitForQuiet() now (a second shutdown signal: the operator will not wait). */
  cutShort(): void {
    this.cutShortWait?.();
  }

  /** Responses wait (see responseGate) until release(). */
  hold(): void {
    if (this.held) return;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.held = { released, release };
  }

  release(): void {
    this.held?.release();
    this.held = undefined;
  }

  /** While responses are held: a promise that resolves when they may be sent; otherwise undefined. */
  get responseGate(): Promise<void> | undefined {
    return this.held?.released;
  }
}
