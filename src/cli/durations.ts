import { UsageError } from './cli-errors';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `30d`, `12h`, `90m`, `2w`, `45s` -> seconds. */
export function secondsOf(duration: string): number {
  const match = /^(\d+)([smhdw])$/.exec(duration.trim());
  if (!match || Number(match[1]) === 0) throw new UsageError(`--expires-in takes a number and a unit, e.g. 30d, 12h, 2w (got "${duration}")`);
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}
