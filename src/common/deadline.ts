/** Longest delay a Node.js timer supports (about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The work did not settle before its deadline. */
export class DeadlineExceededError extends Error {
  constructor(readonly afterMs: number) {
    super(`No reply within ${afterMs} ms`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * Settles like `work`, or rejects with DeadlineExceededError after `ms` and calls `onExpired` (e.g.
 * to abandon the connection the work is running on). `work` settling later is then ignored.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, onExpired?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Rejected first: `onExpired` may fail `work` synchronously, and the race must report the deadline.
      reject(new DeadlineExceededError(ms));
      onExpired?.();
    }, ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
