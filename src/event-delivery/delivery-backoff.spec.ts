import { retryDelayMs } from './delivery-backoff';

describe('retryDelayMs', () => {
  it('waits 1 s after the first failure, doubling up to 10 minutes', () => {
    expect([1, 2, 3, 4, 10, 11].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 512_000, 600_000]);
    expect(retryDelayMs(40)).toBe(600_000);
  });
});
