// Prints one plain closing line, `N passed, N failed, N skipped`, which CI reads as the test summary
// (jest's own summary has a layout CI does not parse). Written at exit, so that it is the last line.
// With BTLS_TEST_SUMMARY_FILE set, the counts are also appended there, for .ci/run's total over all suites.
const { appendFileSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
    const file = process.env.BTLS_TEST_SUMMARY_FILE;
    if (file) appendFileSync(file, `${results.numPassedTests} ${results.numFailedTests} ${skipped}\n`);
    process.once('exit', () => process.stdout.write(line));
  }
}
module.exports = SummaryReporter;
