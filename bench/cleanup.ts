/**
 * Everything the bench starts (FalkorDB, two services, autocannon, temp folders) is registered
 * here as it is started, and undone in reverse order however the run ends: normal end, a thrown
 * error, Ctrl-C / SIGTERM, or the overall deadline. A bench that leaves a 1M-token FalkorDB or a
 * service on a port behind would spoil the next run (and other engineers' tests on this machine).
 */
export type UndoAction = () => Promise<void> | void;

/** One undo step may hang (a process ignoring SIGTERM): it gets this long, then the next one runs. */
const UNDO_STEP_TIMEOUT_MS = 20_000;

export class Cleanup {
  private readonly actions: { label: string; undo: UndoAction }[] = [];
  private running?: Promise<void>;

  /** Registers how to undo something just started; returns a function that runs (and forgets) just that step early. */
  add(label: string, undo: UndoAction): () => Promise<void> {
    const entry = { label, undo };
    this.actions.push(entry);
    return async () => {
      const index = this.actions.indexOf(entry);
      if (index < 0) return;
      this.actions.splice(index, 1);
      await runStep(entry.label, entry.undo);
    };
  }

  /** Undoes everything, newest first; safe to call more than once (later calls wait for the first). */
  runAll(): Promise<void> {
    this.running ??= (async () => {
      while (this.actions.length) {
        const { label, undo } = this.actions.pop()!;
        await runStep(label, undo);
      }
    })();
    return this.running;
  }
}

async function runStep(label: string, undo: UndoAction): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), UNDO_STEP_TIMEOUT_MS)));
    const outcome = await Promise.race([Promise.resolve().then(undo), timedOut]);
    if (outcome === 'timeout') console.error(`cleanup: "${label}" did not finish within ${UNDO_STEP_TIMEOUT_MS / 1000} s, moving on`);
  } catch (error) {
    console.error(`cleanup: "${label}" failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `main` with cleanup guaranteed: on return, on a throw, on SIGINT/SIGTERM, and when
 * `deadlineMs` passes (a stuck phase must not keep a 1M-token server running forever).
 * Exits the process with 0 on success, 1 on failure or deadline, 130/143 on a signal.
 */
export function runWithCleanup(main: (cleanup: Cleanup) => Promise<void>, deadlineMs: number): void {
  const cleanup = new Cleanup();
  let exiting = false;
  const finish = async (code: number, why?: string) => {
    if (exiting) return;
    exiting = true;
    if (why) console.error(`\n${why}: cleaning up`);
    await cleanup.runAll();
    process.exit(code);
  };
  const deadline = setTimeout(() => void finish(1, `Deadline of ${Math.round(deadlineMs / 60_000)} min reached (BENCH_DEADLINE_MINUTES)`), deadlineMs);
  process.once('SIGINT', () => void finish(130, 'Interrupted (SIGINT)'));
  process.once('SIGTERM', () => void finish(143, 'Terminated (SIGTERM)'));
  main(cleanup).then(
    () => {
      clearTimeout(deadline);
      void finish(0);
    },
    (error: unknown) => {
      clearTimeout(deadline);
      // After a signal or the deadline, the phase that was running fails because its processes were stopped: not news.
      if (exiting) return;
      console.error('\nBench failed:', error instanceof Error ? (error.stack ?? error.message) : error);
      void finish(1);
    },
  );
}
