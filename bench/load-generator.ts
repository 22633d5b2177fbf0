import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Cleanup } from './cleanup';

/** One route under load. */
export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST' | 'DELETE';
  headers: Record<string, string>;
  /** JSON text; sent unchanged with every request. */
  body?: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  /** Processes whose CPU time over the measured run is reported (by name), besides the load generator's own. */
  watch?: Record<string, number>;
}

/** CPU time each process used during the measured run, in ms (absent where /proc is not available). */
export interface CpuUse {
  /** Wall-clock length of the measured run, ms. */
  wallMs: number;
  /** By process name (the `watch` names, and LOAD_GENERATOR). */
  byProcess: Record<string, number>;
}

export const LOAD_GENERATOR = 'load generator';

export interface LoadResult {
  /** autocannon's "Req/Sec Avg": the mean of its per-second samples. */
  requestsPerSecond: number;
  totalRequests: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  transportErrors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  cpu?: CpuUse;
}

export const errorsOf = (result: LoadResult): number => result.non2xx + result.transportErrors + result.timeouts;

/** Startup of the child (ts-node) and autocannon's final report, beyond the load itself. */
const CHILD_OVERHEAD_MS = 60_000;

/**
 * Drives one route with autocannon in another `node` process (autocannon-child.ts) and returns its
 * figures. The child is killed if it outlives the load by a minute, or if the bench is cleaned up.
 */
export function generateLoad(spec: LoadSpec, cleanup: Cleanup): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'autocannon-child.ts')], {
      cwd: join(__dirname, '..'),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const forget = cleanup.add('stop the autocannon process', () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), (spec.warmupSeconds + spec.seconds) * 1000 + CHILD_OVERHEAD_MS);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      void forget();
      if (code !== 0) return reject(new Error(`autocannon process for ${spec.method} ${spec.url} failed (${signal ?? `exit code ${code}`})`));
      try {
        resolve(JSON.parse(output) as LoadResult);
      } catch {
        reject(new Error(`autocannon process printed no result: ${output.slice(0, 500)}`));
      }
    });
    child.stdin.end(JSON.stringify(spec));
  });
}
