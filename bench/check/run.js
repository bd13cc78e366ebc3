// `btls check` on 10,000 BackendTLSPolicies with their 10,000 Services and 10,000 ConfigMaps, against the floor of
// merely parsing that YAML with the same library (js-yaml loadAll). Target: at most 1.3x the floor, never 2x.
// Usage: npm run build && node bench/check/run.js [--policies N] [--runs N] [--invalid-every N] [--write FILE]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadAll } from 'js-yaml';
import { runCheck, checkLoaded } from '../../dist/cli/check/run.js';
import { createOutput } from '../../dist/cli/output/index.js';
import { loadInputs } from '../../dist/manifests/load.js';
import { loadEngine } from '../../dist/rules/engine.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'check');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('policies', 10000);
const RUNS = arg('runs', 5);
const INVALID_EVERY = arg('invalid-every', 1000); // a few invalid policies among the valid ones

// The objects come from the test fixtures, so the bench measures what the tests check.
const read = (f) => readFileSync(join(fixtures, f), 'utf8').replace(/^#.*\n/gm, '').trim();
const policy = read('valid/backend-tls.yaml');
const [service, configMap] = read('valid/context.yaml').split(/\n---\n/);
const invalid = read('invalid/too-many-sans.yaml');

function generate() {
  const docs = [];
  for (let i = 0; i < N; i++) {
    const p = i % INVALID_EVERY === INVALID_EVERY - 1 ? invalid.replace('name: too-many-sans', `name: too-many-sans-${i}`) : policy;
    docs.push(
      p.replace('name: backend-tls', `name: backend-tls-${i}`).replace('name: backend-ca', `name: backend-ca-${i}`).replace('name: backend\n', `name: backend-${i}\n`),
      service.replace('name: backend', `name: backend-${i}`),
      configMap.replace('name: backend-ca', `name: backend-ca-${i}`),
    );
  }
  return docs.join('\n---\n') + '\n';
}

const discard = () => new Writable({ write: (_c, _e, cb) => cb() });
function io() {
  const stdin = new PassThrough();
  stdin.end();
  return { stdout: discard(), stderr: discard(), stdin, env: {}, cwd: process.cwd() };
}

/**
 * Times several contenders in interleaved rounds (so that a busy machine slows them alike) after one warm-up
 * round; keeps the fastest run of each (the least disturbed by other processes) and the median, in wall time
 * and in this process's CPU time (which other processes on a busy machine disturb less; 0 for child processes).
 */
async function race(contenders) {
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, { wall: [], cpu: [] }]));
  for (let round = 0; round <= RUNS; round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const c = process.cpuUsage();
      const t = performance.now();
      await fn();
      const wall = performance.now() - t;
      const { user, system } = process.cpuUsage(c);
      if (round > 0) {
        times[name].wall.push(wall);
        times[name].cpu.push((user + system) / 1000);
      }
    }
  }
  const stat = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return { min: s[0], median: s[Math.floor(s.length / 2)] };
  };
  return Object.fromEntries(Object.entries(times).map(([name, t]) => [name, { wall: stat(t.wall), cpu: stat(t.cpu) }]));
}

const writeOnly = process.argv.indexOf('--write');
if (writeOnly > 0) {
  // just write the input (for profiling): node bench/check/run.js --write /tmp/policies.yaml
  writeFileSync(process.argv[writeOnly + 1], generate());
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'btls-bench-check-'));
try {
  const file = join(dir, 'policies.yaml');
  writeFileSync(file, generate());
  const size = readFileSync(file).length;
  console.log(`input: ${N} policies + ${N} Services + ${N} ConfigMaps (${(size / 1e6).toFixed(1)} MB), ${RUNS} interleaved runs after a warm-up`);

  let objects = 0;
  let code;
  let cliCode;
  let loaded;
  const engine = loadEngine({ ruleset: 'default' });
  const node = process.execPath;
  const floorScript = `import {loadAll} from 'js-yaml'; import {readFileSync} from 'node:fs'; loadAll(readFileSync(${JSON.stringify(file)}, 'utf8'));`;
  const t = await race({
    // (a) the floor: reading and parsing the YAML with js-yaml, nothing else
    floor: () => {
      objects = loadAll(readFileSync(file, 'utf8')).length;
    },
    // (b) btls check in-process: the whole command core (engine load, read, parse, evaluate, locate, json output)
    check: async () => {
      code = await runCheck({ paths: [file], output: 'json', ruleset: 'default' }, io(), loadEngine);
    },
    // the parts, to see where the time goes
    load: async () => {
      loaded = await loadInputs([file], io().stdin);
    },
    evaluate: () => {
      const out = createOutput('json', discard());
      checkLoaded(loaded, engine, out);
      out.flush();
    },
    engineLoad: () => loadEngine({ ruleset: 'default' }),
    // (c) the CLI as a child process, against a child process that only parses (both pay node start-up)
    childFloor: () => {
      execFileSync(node, ['--input-type=module', '-e', floorScript], { cwd: root });
    },
    cli: () => {
      cliCode = spawnSync(node, [join(root, 'bin', 'btls'), 'check', '-o', 'json', file], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] }).status;
    },
  });

  const row = (name, key, base, child = false) => {
    const { wall, cpu } = t[key];
    const x = (a, b) => `${(a / b).toFixed(2)}x`;
    let line = `${name.padEnd(44)} wall ${wall.min.toFixed(0).padStart(5)} ms (median ${wall.median.toFixed(0).padStart(5)})`;
    if (!child) line += `  cpu ${cpu.min.toFixed(0).padStart(5)} ms`;
    if (base) {
      line += `  ratio wall ${x(wall.min, t[base].wall.min)} (median ${x(wall.median, t[base].wall.median)})`;
      if (!child) line += ` cpu ${x(cpu.min, t[base].cpu.min)}`;
    }
    console.log(line);
  };
  console.log(`floor objects parsed: ${objects}; btls check exit code: ${code} (in-process), ${cliCode} (CLI); fastest of ${RUNS} runs`);
  row('floor: js-yaml loadAll', 'floor');
  row('btls check, in-process (runCheck)', 'check', 'floor');
  row('  of which: read + parse (loadInputs)', 'load', 'floor');
  row('  of which: evaluate + locate + output', 'evaluate', 'floor');
  row('  of which: loadEngine', 'engineLoad', 'floor');
  row('floor as a child process (node + loadAll)', 'childFloor', undefined, true);
  row('btls check as a child process (bin/btls)', 'cli', 'childFloor', true);
  const ratio = t.check.wall.min / t.floor.wall.min;
  const cpuRatio = t.check.cpu.min / t.floor.cpu.min;
  const verdict = ratio > 2 ? '  OVER BUDGET' : ratio > 1.3 ? '  over target' : '  ok';
  console.log(`ratio btls check / floor: ${ratio.toFixed(2)}x wall, ${cpuRatio.toFixed(2)}x cpu (target <= 1.3x, never > 2x)${verdict}`);
  if (ratio > 2) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
