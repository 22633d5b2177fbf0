export const DAY_MS = 24 * 3600 * 1000;

/** Thresholds ever scheduled when notices are off: turned on later, they reach tokens created meanwhile. */
const SCHEDULED_WHILE_OFF: readonly number[] = [7];

/** The thresholds tokens are scheduled by: the configured ones, or a default while notices are off ([]). */
export function noticeScheduleDays(thresholdDays: readonly number[]): readonly number[] {
  return thresholdDays.length ? thresholdDays : SCHEDULED_WHILE_OFF;
}

/**
 * When a token expiring at `expiresAt` first needs looking at for a notice: its largest threshold
 * before expiry (null: it never expires, or there are no thresholds). A token created already
 * inside a threshold is due at once.
 */
export function firstNoticeDue(expiresAt: number | null, thresholdDays: readonly number[]): number | null {
  if (expiresAt === null || thresholdDays.length === 0) return null;
  return Math.floor(expiresAt - Math.max(...thresholdDays) * DAY_MS);
}

/** What a due token gets: the notice of one threshold (or none), and when it is next due (null = never again). */
export interface NoticeStep {
  thresholdDays: number | null;
  nextDue: number | null;
}

/**
 * The notice a token expiring at `expiresAt` gets at `now`: that of the smallest threshold its
 * expiry is within (never one it had, nor a larger one than a notice it had: a token found late,
 * or created inside a threshold, gets only the nearest notice), and when the next smaller
 * threshold comes due. `noticedDays` is the threshold of its last notice (null = none yet).
 */
export function noticeStep(expiresAt: number, now: number, thresholdDays: readonly number[], noticedDays: number | null): NoticeStep {
  const ascending = [...thresholdDays].sort((a, b) => a - b);
  const within = ascending.find((days) => expiresAt - days * DAY_MS <= now);
  if (within === undefined) {
    // Not within any threshold yet (the thresholds changed since it was scheduled): due at the largest.
    const largest = ascending.at(-1);
    return { thresholdDays: null, nextDue: largest === undefined ? null : Math.floor(expiresAt - largest * DAY_MS) };
  }
  const smaller = ascending.filter((days) => days < within).at(-1);
  const nextDue = smaller === undefined ? null : Math.floor(expiresAt - smaller * DAY_MS);
  const alreadyNoticed = noticedDays !== null && noticedDays <= within;
  return { thresholdDays: alreadyNoticed ? null : within, nextDue };
}
