/**
 * FalkorDB sends temporal values as seconds since the Unix epoch (UTC). They are returned as ISO 8601
 * text; a value outside what a JavaScript Date can hold is returned as its number of seconds.
 */

const SECONDS_PER_DAY = 86_400;

function dateOf(epochSeconds: number): Date | undefined {
  const date = new Date(epochSeconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** `localdatetime`: `2024-01-02T03:04:05` (milliseconds only when present; no zone, as in FalkorDB). */
export function formatLocalDateTime(epochSeconds: number): string | number {
  const date = dateOf(epochSeconds);
  return date ? date.toISOString().replace(/(\.000)?Z$/, '') : epochSeconds;
}

/** `date`: `2024-01-02`. */
export function formatDate(epochSeconds: number): string | number {
  const date = dateOf(epochSeconds);
  return date ? date.toISOString().slice(0, 10) : epochSeconds;
}

/** `localtime`: `03:04:05` (FalkorDB anchors times to a date; only the time of day matters). */
export function formatTime(epochSeconds: number): string | number {
  if (!Number.isFinite(epochSeconds)) return epochSeconds;
  const secondOfDay = ((epochSeconds % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY;
  return new Date(secondOfDay * 1000).toISOString().slice(11, 19);
}

/**
 * `duration`: FalkorDB stores a duration as the instant it reaches when added to the epoch, so its
 * calendar parts are read back from that instant: 36907506 -> `P1Y2M3DT4H5M6S`.
 */
export function formatDuration(seconds: number): string | number {
  if (seconds < 0) return Number.isFinite(seconds) ? `-PT${-seconds}S` : seconds;
  const date = dateOf(seconds);
  if (!date) return seconds;
  const dateParts: Array<[number, string]> = [
    [date.getUTCFullYear() - 1970, 'Y'],
    [date.getUTCMonth(), 'M'],
    [date.getUTCDate() - 1, 'D'],
  ];
  const timeParts: Array<[number, string]> = [
    [date.getUTCHours(), 'H'],
    [date.getUTCMinutes(), 'M'],
    [date.getUTCSeconds() + date.getUTCMilliseconds() / 1000, 'S'],
  ];
  const text = (parts: Array<[number, string]>) => parts.filter(([amount]) => amount !== 0).map(([amount, unit]) => `${amount}${unit}`).join('');
  const datePart = text(dateParts);
  const timePart = text(timeParts);
  if (!datePart && !timePart) return 'PT0S';
  return `P${datePart}${timePart ? `T${timePart}` : ''}`;
}
