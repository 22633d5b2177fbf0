/**
 * Fakes only `Date` (what expiry checks read), leaving timers and I/O real so FalkorDB
 * connections keep working. Move time with `jest.setSystemTime(...)`; undo with `jest.useRealTimers()`.
 */
export function fakeDateOnly(now: number = Date.now()): void {
  jest.useFakeTimers({
    now,
    doNotFake: [
      'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame',
      'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval',
      'clearInterval', 'setTimeout', 'clearTimeout',
    ],
  });
}
