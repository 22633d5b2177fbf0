import { describeEndpoint, probe, ProbeResult, ServerEndpoint } from './resp-probe';
import { cpuTicksOf } from './process-info';

export interface ReadinessLogger {
  log(message: string): void;
  debug?(message: string): void;
}

export interface ReadinessOptions {
  /** A TCP port on 127.0.0.1, or a unix socket's path. */
  endpoint: ServerEndpoint;
  /** The server process: only its own answers count (another server may hold the port). */
  pid: number;
  /** The password the server requires, if any: every probe authenticates first. */
  password?: string;
  /** Fail after this long without progress (not after this long in total). */
  readyTimeoutMs: number;
  /** Settles when the server process exits. */
  exited: Promise<unknown>;
  /** Aborts the wait (the service is stopping). */
  signal?: AbortSignal;
  logger: ReadinessLogger;
}

/** The server made no progress towards answering for `readyTimeoutMs`. */
export class ServerNotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerNotReadyError';
  }
}

/** How far the server has come: its AOF replay, as INFO persistence reports it. */
interface Loading {
  perc: number;
  loadedBytes: number;
  totalBytes: number;
  startTime: string;
}

/** 0: not listening yet, 1: accepts connections but answers nothing, 2: answers LOADING. */
type Stage = 0 | 1 | 2;

const PROGRESS_LOG_INTERVAL_MS = 5000;
/** Linux counts CPU time in ticks of 10 ms (USER_HZ = 100). */
const CPU_TICK_MS = 10;
/** Share of one core a server must have used since the last probe to count as working. */
const BUSY_SHARE = 0.2;
const PROBE_TIMEOUT_MS = 5000;
const MAX_POLL_INTERVAL_MS = 250;

const infoField = (info: string, name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();

function parseLoading(info: string): Loading | undefined {
  const field = (name: string) => infoField(info, name);
  if (field('loading') !== '1') return undefined;
  return {
    perc: Number(field('loading_loaded_perc') ?? 0),
    loadedBytes: Number(field('loading_loaded_bytes') ?? 0),
    totalBytes: Number(field('loading_total_bytes') ?? 0),
    startTime: field('loading_start_time') ?? '',
  };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

function describeLoading(loading: Loading): string {
  const of = loading.totalBytes > 0 ? ` (${formatBytes(loading.loadedBytes)} of ${formatBytes(loading.totalBytes)})` : '';
  return `loading AOF ${loading.perc.toFixed(0)}%${of}`;
}

/** Resolves `undefined` after `ms`, or early with the value of `interrupt`. */
function sleepUnless<T>(ms: number, interrupt: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const slept = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([slept, interrupt]).finally(() => clearTimeout(timer));
}

/**
 * Waits until the server answers PING over TCP. While it answers LOADING (replaying a big AOF
 * takes tens of seconds) it keeps waiting as long as the replay advances, and logs the progress
 * every few seconds. Resolves 'ready', or 'exited' as soon as the process exits; throws
 * ServerNotReadyError after `readyTimeoutMs` without progress, saying what the server was doing.
 */
export async function waitUntilReady(options: ReadinessOptions): Promise<'ready' | 'exited'> {
  const { endpoint, pid, readyTimeoutMs, logger, signal } = options;
  const where = describeEndpoint(endpoint);
  const authentication: string[][] = options.password === undefined ? [] : [['AUTH', options.password]];
  const started = Date.now();
  let lastProgressAt = started;
  let lastCpu: { ticks: number; at: number } | undefined;
  let lastLogAt = started;
  let stage: Stage = 0;
  let loading: Loading | undefined;
  let loggedLoading = false;
  let lastRefusal = '';
  let foreign: string | undefined;

  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal?.aborted) resolve('aborted');
    signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  const interrupt = Promise.race([options.exited.then(() => 'exited' as const), aborted]);

  for (let attempt = 0; ; attempt++) {
    const now = Date.now();
    const quietFor = now - lastProgressAt;
    const probeTimeout = Math.max(50, Math.min(PROBE_TIMEOUT_MS, readyTimeoutMs - quietFor));
    const result: ProbeResult | 'exited' | 'aborted' = await Promise.race([
      probe(endpoint, [...authentication, ['PING'], ['INFO', 'server', 'persistence']], probeTimeout),
      interrupt,
    ]);
    if (result === 'aborted') throw new Error('stopped while the server was starting');
    if (result === 'exited') return 'exited';

    const at = Date.now();
    // AUTH is answered even while the server loads; a refused one leaves INFO refused too (foreign).
    const [ping, infoReply] = result.outcome === 'replied' ? result.replies.slice(authentication.length) : [];
    const info = infoReply?.kind === 'bulk' ? (infoReply.text ?? '') : '';
    const answeredBy = infoField(info, 'process_id');
    if (result.outcome === 'replied' && answeredBy !== String(pid)) {
      // Another server answers on the port (ours will fail to bind and exit), or one that wants a password.
      foreign = answeredBy ? `process ${answeredBy}` : `a server answering ${JSON.stringify(ping?.kind === 'error' ? ping.text : info.slice(0, 80))}`;
    } else if (result.outcome === 'replied') {
      // Any answer but LOADING means the server runs commands: it is ready.
      if (!(ping?.kind === 'error' && ping.text.startsWith('LOADING'))) {
        if (loggedLoading) logger.log(`FalkorDB loaded its data in ${seconds(at - started)}`);
        return 'ready';
      }
      const next = parseLoading(info);
      if (stage < 2) logger.debug?.(`FalkorDB answers LOADING: ${next ? describeLoading(next) : 'loading its data'}`);
      const advanced = stage < 2 || (next !== undefined && (next.loadedBytes !== loading?.loadedBytes || next.startTime !== loading?.startTime));
      if (advanced) lastProgressAt = at;
      stage = 2;
      if (next) loading = next;
      if (at - lastLogAt >= PROGRESS_LOG_INTERVAL_MS) {
        logger.log(`FalkorDB is ${loading ? describeLoading(loading) : 'loading its data'}, ${seconds(at - started)} so far`);
        lastLogAt = at;
        loggedLoading = true;
      }
    } else {
      const reached: Stage = result.outcome === 'silent' ? 1 : 0;
      if (result.outcome === 'refused') lastRefusal = result.error;
      if (reached > stage) {
        stage = reached;
        lastProgressAt = at;
      }
    }

    // Loaded bytes stand still while one big command is replayed; the server is busy, though: a
    // replaying server keeps a core busy, an idle or stuck one uses next to nothing.
    const ticks = cpuTicksOf(pid);
    if (ticks !== undefined && lastCpu !== undefined && (ticks - lastCpu.ticks) * CPU_TICK_MS >= BUSY_SHARE * (at - lastCpu.at)) lastProgressAt = at;
    lastCpu = ticks === undefined ? undefined : { ticks, at };
    const stalledFor = at - lastProgressAt;
    if (stalledFor >= readyTimeoutMs) {
      const doing =
        stage === 2
          ? loading
            ? describeLoading(loading)
            : 'loading its data'
          : stage === 1
            ? `accepting connections on ${where} but not answering`
            : foreign
              ? `${where} is answered by another server (${foreign})`
              : `not accepting connections on ${where} (${lastRefusal || 'no answer'})`;
      throw new ServerNotReadyError(`${doing} after ${seconds(at - started)}, no progress for ${seconds(stalledFor)}`);
    }
    const pause = Math.min(20 * 1.5 ** attempt, MAX_POLL_INTERVAL_MS, readyTimeoutMs - stalledFor);
    const woken = await sleepUnless(pause, interrupt);
    if (woken === 'aborted') throw new Error('stopped while the server was starting');
    if (woken === 'exited') return 'exited';
  }
}
