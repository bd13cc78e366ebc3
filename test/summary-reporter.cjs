// Prints one plain closing line, `N passed, N failed, N skipped`, which CI reads as the test summary
// (jest's own summary has a layout CI does not parse). Written at exit, so that it is the last line.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
    process.once('exit', () => process.stdout.write(line));
  }
}
module.exports = SummaryReporter;
