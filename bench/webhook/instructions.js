#!/usr/bin/env node
// Diagnostic, not part of `make bench`: user-space instructions per review of each bench server, counted by
// valgrind's callgrind. Throughput on this shared VM drifts by up to 3x within minutes; instruction counts
// repeat within about 1% for the same build and state, so they can tell apart changes of a few percent that a
// timed run cannot. They leave out the kernel (TLS records go through write(2) and read(2)), and cache misses
// unless asked for.
//
//   npm run build && node bench/webhook/instructions.js            # bare and btls
//   INSTR_KINDS=bare,fastify,btls INSTR_REQUESTS=4000 node bench/webhook/instructions.js
//   BENCH_BTLS_ENGINE=noop node bench/webhook/instructions.js      # what the server costs without the rules
//   INSTR_CACHE=1 node bench/webhook/instructions.js               # and cache misses (simulated; slower)
//
// Each server runs alone under valgrind with V8 on one thread (--single-threaded: no background compiler or GC
// thread whose work would land in the count at random), is warmed up, and only the measured requests are
// counted (callgrind_control toggles the instrumentation). Needs valgrind (Debian: apt-get install valgrind).
//
// What it showed (node 20, examples/review-admitted.json, 3000-4000 reviews): btls ran 0.93-1.09 of the bare
// server's instructions per review, while `make bench` measured 1.3x its CPU time. The difference was in the
// kernel, which this count leaves out: each answer written with a review's work in between woke the idle load
// generator on its own (an interrupt to the other vCPU, costly in a VM). Answering in bursts
// (src/server/answer-burst.ts) took most of it away; see docs/webhook.md. Compare builds of btls with each other.
import { execFileSync, fork, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, nextMessage } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const KINDS = (process.env.INSTR_KINDS ?? 'bare,btls').split(',');
const REQUESTS = Number(process.env.INSTR_REQUESTS ?? 4000);
const WARMUP = Number(process.env.INSTR_WARMUP ?? 8000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const REVIEW = resolve(root, process.env.BENCH_REVIEW ?? 'examples/review-admitted.json');
const CACHE = process.env.INSTR_CACHE === '1';
const EVENT_NAMES = { Ir: 'instructions', I1mr: 'L1 instruction misses', D1mr: 'L1 data read misses', D1mw: 'L1 data write misses' };

if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.error('instructions.js needs valgrind on the PATH (Debian: apt-get install valgrind)');
  process.exit(2);
}
const { default: autocannon } = await import('autocannon');
const dir = mkdtempSync(join(tmpdir(), 'btls-instr-'));
const runJs = join(here, 'run.js');
try {
  if (spawnSync(process.execPath, [runJs, '--certs', dir], { stdio: 'inherit' }).status !== 0) throw new Error('could not create the bench certificates');
  const body = readFileSync(REVIEW, 'utf8');
  console.log(`per review: ${REQUESTS} reviews after ${WARMUP} of warm-up, ${CONNECTIONS} connections, ${REVIEW.slice(root.length + 1)}`);
  const counts = {};
  for (const kind of KINDS) {
    counts[kind] = await measure(kind, body);
    const base = counts[KINDS[0]];
    const cells = Object.entries(counts[kind]).map(([event, n]) => {
      const ratio = kind === KINDS[0] ? '' : ` (${(n / base[event]).toFixed(3)})`;
      return `${EVENT_NAMES[event] ?? event} ${Math.round(n).toLocaleString('en-US')}${ratio}`;
    });
    console.log(`  ${kind.padEnd(8)} ${cells.join('   ')}`);
  }
  if (KINDS.length > 1) console.log(`  (in parentheses: the ratio to ${KINDS[0]})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function measure(kind, body) {
  const out = join(dir, `callgrind.${kind}`);
  const child = fork(runJs, ['--serve', kind, dir], {
    execPath: 'valgrind',
    execArgv: ['--tool=callgrind', `--cache-sim=${CACHE ? 'yes' : 'no'}`, '--instr-atstart=no', '--smc-check=all-non-file', `--callgrind-out-file=${out}`, '--log-file=/dev/null', process.execPath, '--single-threaded'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { port } = await nextMessage(child, `${kind} server`);
    const opts = { url: `https://127.0.0.1:${port}/validate?timeout=5s`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS, timeout: 60 };
    await load(autocannon, { ...opts, amount: WARMUP });
    execFileSync('callgrind_control', ['--instr=on', String(child.pid)], { stdio: 'ignore' });
    const done = await load(autocannon, { ...opts, amount: REQUESTS });
    if (done.non2xx > 0 || done.errors > 0) throw new Error(`${kind}: ${done.non2xx} non-2xx answers and ${done.errors} errors while counting`);
    execFileSync('callgrind_control', ['--dump', String(child.pid)], { stdio: 'ignore' });
    const dump = readdirSync(dir).find((f) => f.startsWith(`callgrind.${kind}.`));
    if (!dump) throw new Error(`${kind}: callgrind wrote no dump`);
    const text = readFileSync(join(dir, dump), 'utf8');
    const events = /^events: (.+)$/m.exec(text)?.[1].trim().split(/\s+/);
    const totals = /^(?:summary|totals): (.+)$/m.exec(text)?.[1].trim().split(/\s+/).map(Number);
    if (!events || !totals) throw new Error(`${kind}: no totals in ${dump}`);
    const shown = CACHE ? ['Ir', 'I1mr', 'D1mr', 'D1mw'] : ['Ir'];
    return Object.fromEntries(shown.map((e) => [e, (totals[events.indexOf(e)] ?? 0) / REQUESTS]));
  } finally {
    child.kill('SIGKILL');
  }
}
