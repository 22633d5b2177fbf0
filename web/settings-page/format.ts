const DAY_SECONDS = 24 * 3600;

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

export function formatDate(iso: string): string {
  return dateOnly.format(new Date(iso));
}

/** "3 minutes ago", "in 29 days". */
export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 365 * DAY_SECONDS],
    ['month', 30 * DAY_SECONDS],
    ['day', DAY_SECONDS],
    ['hour', 3600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

/** Whether an expiry is still ahead and at most `noticeDays` away (`noticeDays` 0: never; no expiry: never). */
export function expiresWithin(expiresAt: string | null | undefined, noticeDays: number, now = Date.now()): boolean {
  if (!expiresAt || noticeDays <= 0) return false;
  const left = new Date(expiresAt).getTime() - now;
  return left > 0 && left <= noticeDays * DAY_SECONDS * 1000;
}

/** How many trailing characters of a token id tell same-named tokens apart (its random part, as ids are `<ms>-<8 hex>`). */
const SHORT_ID_LENGTH = 8;

/**
 * A token id short enough for the list, as GitHub shows a token's prefix: its last characters
 * (random), since the leading timestamp can be the same for tokens made together.
 */
export function shortTokenId(tokenId: string): string {
  return tokenId.length > SHORT_ID_LENGTH ? `…${tokenId.slice(-SHORT_ID_LENGTH)}` : tokenId;
}

/** Choices of the "Expiration" select: preset lifetimes, a custom date, or none. */
export type ExpiryChoice = '30' | '60' | '90' | 'custom' | 'never';

export interface ExpiryOption {
  value: ExpiryChoice;
  label: string;
}

/** The choices the server's policy allows (presets longer than its maximum lifetime are left out). */
export function expiryOptions(maxTtlSeconds: number, allowNeverExpiring: boolean): ExpiryOption[] {
  const presets = (['30', '60', '90'] as const)
    .filter((days) => Number(days) * DAY_SECONDS <= maxTtlSeconds)
    .map((days) => ({ value: days, label: `${days} days` }));
  return [
    ...presets,
    { value: 'custom', label: 'Custom date' },
    ...(allowNeverExpiring ? [{ value: 'never' as const, label: 'No expiration' }] : []),
  ];
}

/** `yyyy-mm-dd` of a local date. */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** A custom expiry date means the end of that day, local time. */
export function endOfDay(day: string): Date {
  return new Date(`${day}T23:59:59`);
}

/**
 * The expiry fields of a create request for a choice. A custom date ends with its day, or a minute
 * inside the longest lifetime allowed when that comes first (the last day the date field offers).
 */
export function expiryFields(choice: ExpiryChoice, customDay: string, maxTtlSeconds: number, now = Date.now()): { ttlSeconds?: number; expiresAt?: string } {
  if (choice === 'never') return {};
  if (choice === 'custom') return { expiresAt: new Date(Math.min(endOfDay(customDay).getTime(), now + (maxTtlSeconds - 60) * 1000)).toISOString() };
  return { ttlSeconds: Number(choice) * DAY_SECONDS };
}

/** "a, b ,, c" -> ["a", "b", "c"]; empty -> undefined (the field is left out). */
export function listField(text: string): string[] | undefined {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}
