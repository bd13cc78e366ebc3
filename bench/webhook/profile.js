#!/usr/bin/env node
// Diagnostic, not part of `make bench`: where each bench server spends its CPU time per review, sampled by
// Linux perf, side by side. instructions.js counts instructions, which repeat; this one samples real time,
// which also holds what instruction counts leave out (cache and TLB misses, the kernel's share of each write).
//
//   npm run build && node bench/webhook/profile.js                 # bare against btls
//   PROFILE_KINDS=fastify,btls PROFILE_ROUNDS=16 node bench/webhook/profile.js
//   BENCH_BTLS_ENGINE=noop node bench/webhook/profile.js           # knobs of run.js apply to its servers
//   PROFILE_BY=leaf node bench/webhook/profile.js                  # by function instead of by layer
//
// Both servers run at once, pinned to CPU 0, and take turns under load (PROFILE_ROUNDS rounds of
// PROFILE_REQUESTS reviews each, order alternating) while one `perf record` samples both: a drift of the
// machine's speed hits both alike. Even so, the totals of repeated runs differ by up to a tenth on a shared VM:
// trust a layer's difference when it repeats. Each sample of a server's main thread is charged to the innermost
// JavaScript frame on its stack (node's own modules by file, packages by name, btls by file), so a builtin
// such as JSON.parse counts for the code that called it, and a function V8 inlined counts for the one it was
// inlined into (btls's body parser often shows as fastify); samples with no JavaScript frame count as native
// (kernel or other). Needs perf (Debian: apt-get install linux-perf) allowed to sample this user's processes.
import { execFileSync, fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, nextMessage } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const KINDS = (process.env.PROFILE_KINDS ?? 'bare,btls').split(',');
const ROUNDS = Number(process.env.PROFILE_ROUNDS ?? 12);
const REQUESTS = Number(process.env.PROFILE_REQUESTS ?? 4000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const BY = process.env.PROFILE_BY ?? 'layer';
const TOP = Number(process.env.PROFILE_TOP ?? 25);
const HZ = 4000;
const REVIEW = resolve(root, process.env.BENCH_REVIEW ?? 'examples/review-admitted.json');

if (KINDS.length !== 2) {
  console.error('PROFILE_KINDS names two servers of run.js (bare, fastify, btls)');
  process.exit(2);
}
if (spawnSync('perf', ['--version']).status !== 0) {
  console.error('profile.js needs perf on the PATH (Debian: apt-get install linux-perf)');
  process.exit(2);
}
const { default: autocannon } = await import('autocannon');
const dir = mkdtempSync(join(tmpdir(), 'btls-profile-'));
const runJs = join(here, 'run.js');
const children = [];
try {
  if (spawnSync(process.execPath, [runJs, '--certs', dir], { stdio: 'inherit' }).status !== 0) throw new Error('could not create the bench certificates');
  const body = readFileSync(REVIEW, 'utf8');
  const servers = [];
  for (const kind of KINDS) {
    // --perf-basic-prof: V8 writes /tmp/perf-<pid>.map, which names the JIT-compiled functions in the samples
    const child = fork(runJs, ['--serve', kind, dir], { execArgv: ['--perf-basic-prof'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    const { port } = await nextMessage(child, `${kind} server`);
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(child.pid)], { stdio: 'ignore' });
    const opts = { url: `https://127.0.0.1:${port}/validate?timeout=5s`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS };
    await load(autocannon, { ...opts, amount: REQUESTS * 2 });
    servers.push({ kind, pid: child.pid, opts, reviews: 0 });
  }
  execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const data = join(dir, 'perf.data');
  const perf = spawn('perf', ['record', '-e', 'cpu-clock', '-F', String(HZ), '-g', '-p', servers.map((s) => s.pid).join(','), '-o', data], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  if (perf.exitCode !== null) throw new Error('perf record could not sample the servers (see /proc/sys/kernel/perf_event_paranoid)');
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of round % 2 === 0 ? servers : [...servers].reverse()) {
      const r = await load(autocannon, { ...s.opts, amount: REQUESTS });
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`${s.kind}: ${r.non2xx} non-2xx answers and ${r.errors} errors`);
      s.reviews += r.requests.total;
    }
  }
  perf.kill('SIGINT');
  await new Promise((r) => perf.once('exit', r));
  const script = execFileSync('perf', ['script', '-i', data, '-F', 'tid,ip,sym,dso'], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  const tallies = tally(script, servers);
  report(servers, tallies);
} finally {
  for (const c of children) {
    c.kill('SIGKILL');
    rmSync(`/tmp/perf-${c.pid}.map`, { force: true });
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Samples of each server's main thread (its pid), by what they are charged to; other threads apart. */
function tally(script, servers) {
  const byPid = new Map(servers.map((s) => [String(s.pid), { main: new Map(), total: 0, otherThreads: 0 }]));
  const ofThread = new Map();
  for (const block of script.split('\n\n')) {
    const lines = block.trim().split('\n');
    if (lines.length < 2) continue;
    const tid = lines[0].trim();
    let t = byPid.get(tid);
    if (!t) {
      // a helper thread (GC, compiler, libuv pool) of one of the servers
      const owner = ofThread.get(tid) ?? ownerOf(tid, byPid);
      ofThread.set(tid, owner);
      if (owner) owner.otherThreads++;
      continue;
    }
    const frames = lines.slice(1).map((l) => l.trim().replace(/^[0-9a-f]+ /, ''));
    const key = BY === 'leaf' ? frames[0].replace(/ \(\/tmp\/perf-\d+\.map\)$/, '') : layerOf(frames);
    t.main.set(key, (t.main.get(key) ?? 0) + 1);
    t.total++;
  }
  return byPid;
}

function ownerOf(tid, byPid) {
  try {
    const tgid = /^Tgid:\s+(\d+)/m.exec(readFileSync(`/proc/${tid}/status`, 'utf8'))?.[1];
    return tgid ? byPid.get(tgid) : undefined;
  } catch {
    return undefined;
  }
}

function layerOf(frames) {
  const js = frames.find((f) => f.includes(' JS:') || f.startsWith('JS:'));
  if (!js) return frames[0].includes('[kernel') ? 'native: kernel' : 'native: other';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(js);
  if (pkg) return pkg[1];
  const own = /\/dist\/([^:]+)/.exec(js);
  if (own) return `btls ${own[1]}`;
  const node = /node:([^: ]+)/.exec(js);
  if (node) return `node:${node[1]}`;
  if (js.includes('bench/webhook/run.js')) return 'bench server (run.js)';
  // functions made with new Function: the compiled rules
  return /JS:\S* :\d+:\d+/.test(js) ? 'btls compiled rules' : 'JavaScript, unnamed';
}

function report(servers, tallies) {
  const us = (samples, reviews) => (samples * 1e6) / HZ / reviews;
  const [a, b] = servers.map((s) => ({ ...s, t: tallies.get(String(s.pid)) }));
  console.log(`CPU time per review by ${BY === 'leaf' ? 'function' : 'layer'} (µs; main thread, sampled at ${HZ} Hz over ${ROUNDS} rounds of ${REQUESTS} reviews each)`);
  console.log(`  total main thread: ${a.kind} ${us(a.t.total, a.reviews).toFixed(1)}, ${b.kind} ${us(b.t.total, b.reviews).toFixed(1)}; other threads: ${us(a.t.otherThreads, a.reviews).toFixed(1)}, ${us(b.t.otherThreads, b.reviews).toFixed(1)}`);
  const keys = [...new Set([...a.t.main.keys(), ...b.t.main.keys()])];
  const rows = keys.map((k) => ({ k, x: us(a.t.main.get(k) ?? 0, a.reviews), y: us(b.t.main.get(k) ?? 0, b.reviews) }));
  rows.sort((p, q) => Math.max(q.x, q.y) - Math.max(p.x, p.y));
  console.log(`  ${a.kind.padStart(8)} ${b.kind.padStart(8)}   difference`);
  for (const { k, x, y } of rows.slice(0, TOP)) console.log(`  ${x.toFixed(2).padStart(8)} ${y.toFixed(2).padStart(8)}   ${(y - x >= 0 ? '+' : '') + (y - x).toFixed(2)}   ${k.slice(0, 110)}`);
}
