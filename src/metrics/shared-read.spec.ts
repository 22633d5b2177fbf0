import { sharedRead } from './shared-read';

describe('sharedRead', () => {
  it('reads once per freshness window, and again after it', async () => {
    let now = 1000;
    let reads = 0;
    const read = sharedRead(() => Promise.resolve(++reads), 1000, () => now);
    expect(await Promise.all([read(), read()])).toEqual([1, 1]);
    now += 999;
    expect(await read()).toBe(1);
    now += 1;
    expect(await read()).toBe(2);
    expect(reads).toBe(2);
  });
});
