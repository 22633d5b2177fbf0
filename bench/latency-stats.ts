/** Summary of latency samples in milliseconds. Percentiles are nearest-rank: always a value that was observed. */
export interface LatencyStats {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function latencyStats(samplesMs: number[]): LatencyStats {
  if (!samplesMs.length) return { count: 0, p50: NaN, p99: NaN, max: NaN };
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const percentile = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  return { count: sorted.length, p50: percentile(50), p99: percentile(99), max: sorted[sorted.length - 1] };
}

/** Milliseconds with a precision that means something for the figure (sub-ms values keep one decimal). */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
