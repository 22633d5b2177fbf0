/**
 * Fakes only `Date` (what expiry checks read), leaving timers and I/O real so FalkorDB
 * connections keep working. Move time with `vi.setSystemTime(...)`; undo with `vi.useRealTimers()`.
 */
export function fakeDateOnly(now: number = Date.now()): void {
  vi.useFakeTimers({ now, toFake: ['Date'] });
}
