/**
 * Prints one closing line, "Tests: N passed, N failed[, N skipped]", so CI can read the result
 * of the run without parsing Jest's own summary.
 */
class PlainSummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const tail = skipped ? `, ${skipped} skipped` : '';
    process.stdout.write(`\nTests: ${results.numPassedTests} passed, ${failed} failed${tail}\n`);
  }
}

module.exports = PlainSummaryReporter;
