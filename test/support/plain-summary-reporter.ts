import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one closing line, "Tests: N passed, N failed[, N skipped]", so CI can read the result
 * of the run without parsing Vitest's own summary. A file that failed to load, and an error
 * outside any test, count as failures.
 */
export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let [passed, failed, skipped] = [0, unhandledErrors.length, 0];
    for (const module of testModules) {
      failed += module.errors().length;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    const tail = skipped ? `, ${skipped} skipped` : '';
    process.stdout.write(`\nTests: ${passed} passed, ${failed} failed${tail}\n`);
  }
}
