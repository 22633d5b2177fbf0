import { DAY_MS, firstNoticeDue, noticeStep } from './expiry-notices';

const NOW = Date.UTC(2026, 11, 7);

describe('expiry notices', () => {
  it('first looks at a token at its largest threshold; never for one that does not expire, or without thresholds', () => {
    expect(firstNoticeDue(NOW + 30 * DAY_MS, [7, 1])).toBe(NOW + 23 * DAY_MS);
    expect(firstNoticeDue(NOW + 30 * DAY_MS, [0.5])).toBe(NOW + 29.5 * DAY_MS);
    expect(firstNoticeDue(null, [7, 1])).toBeNull();
    expect(firstNoticeDue(NOW + 30 * DAY_MS, [])).toBeNull();
  });

  it('gives the 7-day notice inside 7 days, then schedules the 1-day one', () => {
    const expiresAt = NOW + 7 * DAY_MS;
    expect(noticeStep(expiresAt, NOW, [7, 1], null)).toEqual({ thresholdDays: 7, nextDue: expiresAt - DAY_MS });
    expect(noticeStep(expiresAt, NOW - 1, [7, 1], null)).toEqual({ thresholdDays: null, nextDue: NOW });
  });

  it('gives the last notice and nothing after it', () => {
    const expiresAt = NOW + DAY_MS;
    expect(noticeStep(expiresAt, NOW, [7, 1], 7)).toEqual({ thresholdDays: 1, nextDue: null });
  });

  it('gives a token found inside several thresholds only the nearest one', () => {
    expect(noticeStep(NOW + 0.4 * DAY_MS, NOW, [7, 1, 0.5], null)).toEqual({ thresholdDays: 0.5, nextDue: null });
    expect(noticeStep(NOW + 3 * DAY_MS, NOW, [30, 7, 1], null)).toEqual({ thresholdDays: 7, nextDue: NOW + 2 * DAY_MS });
  });

  it('never repeats a threshold noticed already, nor a larger one', () => {
    expect(noticeStep(NOW + 3 * DAY_MS, NOW, [7, 1], 7)).toEqual({ thresholdDays: null, nextDue: NOW + 2 * DAY_MS });
    expect(noticeStep(NOW + 3 * DAY_MS, NOW, [7, 1], 1)).toEqual({ thresholdDays: null, nextDue: NOW + 2 * DAY_MS });
  });
});
