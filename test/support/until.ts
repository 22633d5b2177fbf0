/**
 * Bounded polling for something another process does in its own time (a server noticing a closed
 * socket, recovering after an outage): resolves when `condition` holds, fails naming `what` after
 * `timeoutMs`. Not for expiry: that is tested with a fake clock.
 */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
