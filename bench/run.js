// make bench: every benchmark under bench/, one after the other (they share 2 cores; running them side by
// side would measure each other). Each prints its own ratios against a floor measured in the same run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches = ['rules/run.js', 'check/run.js', 'status/resolve.bench.js', 'webhook/run.js'];
let failed = 0;
for (const b of benches) {
  const file = new URL(b, import.meta.url).pathname;
  if (!existsSync(file)) continue;
  console.log(`\n=== bench/${b}`);
  const r = spawnSync(process.execPath, ['--expose-gc', file], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.log(`bench/${b} failed with exit code ${r.status}`);
    failed++;
  }
}
process.exitCode = failed ? 1 : 0;
