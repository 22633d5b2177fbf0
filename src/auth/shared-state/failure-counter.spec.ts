import { FailureCounter } from './failure-counter';

const WINDOW_MS = 60_000;
const T = 1_700_000_000_000;

describe('FailureCounter.merge', () => {
  it('adds the failures other instances recorded without counting its own twice', () => {
    const counter = new FailureCounter(3, WINDOW_MS);
    counter.record('key', T);
    // The shared list holds this failure (T) and another instance's at the same millisecond.
    counter.merge('key', [T, T], T);
    expect(counter.retryAfterSeconds('key', T)).toBe(0);
    counter.merge('key', [T - 1000, T, T], T);
    expect(counter.retryAfterSeconds('key', T)).toBe(59);
  });

  it('keeps failures counted here alone (while the shared store was unreachable)', () => {
    const counter = new FailureCounter(3, WINDOW_MS);
    counter.record('key', T);
    counter.record('key', T + 1);
    counter.merge('key', [T + 2], T + 2);
    expect(counter.retryAfterSeconds('key', T + 2)).toBe(60);
  });

  it('ignores shared failures that are out of the window', () => {
    const counter = new FailureCounter(2, WINDOW_MS);
    counter.merge('key', [T - WINDOW_MS, T - WINDOW_MS + 1], T);
    expect(counter.retryAfterSeconds('key', T)).toBe(0);
    counter.merge('key', [T - WINDOW_MS + 1, T], T);
    expect(counter.retryAfterSeconds('key', T)).toBe(1);
  });
});
