// Differential fuzzing against the real kube-apiserver: seeded random BackendTLSPolicies (fuzz/generate.ts: valid
// policies with 1-4 random mutations each) go
//  1. to the apiserver (apiDryRun: dry run, strict field validation, no webhook, no policy) and, all in one run,
//     through `btls check --ruleset crd --output json DIR`, compared as crd-parity compares (lib/parity.ts);
//  2. those the CRD admits, to a second namespace where `btls vap`'s ValidatingAdmissionPolicies are bound,
//     compared with the webhook's rule set as vap.e2e.test.ts compares (lib/vap.ts).
// A mismatch is shrunk (fields and list items removed, strings shortened, while some mismatch of the same kind
// remains) and printed as a reproducer: seed, index, mutations and the minimal object as JSON, ready to be put
// into corpus/generate.ts.
//
// Bounded by default (seeds 1 and 2, 600 objects each: about 15 s here with the cluster up); for a longer run
// (9000 objects: 70 s):
//   BTLS_FUZZ_SEEDS=1,2,3 BTLS_FUZZ_COUNT=2000 bash test/e2e/run.sh test/e2e/fuzz-parity
// BTLS_FUZZ_MINIMIZE=0 skips the shrinking; the report goes to test/e2e/.cache/fuzz-parity-report.txt.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiDryRun, clusterUp, freshNamespace, kubectl, repoRoot, type ApiDryRunResult } from './lib/cluster.js';
import { btlsCheckDir, difference, mapLimit, normalise, sorted, type BtlsFileResult, type Side } from './lib/parity.js';
import { installVap, vapDifference, type VapSetup } from './lib/vap.js';
import { fuzzCase, fuzzCases, type FuzzCase, type Json, type Obj } from './fuzz/generate.js';
import { loadEngine } from '../../src/rules/engine.js';

const up = await clusterUp();
if (!up && process.env.BTLS_E2E_REQUIRED === '1') throw new Error('no e2e cluster: run test/e2e/cluster.sh up');
const d = up ? describe : describe.skip;

const seeds = (process.env.BTLS_FUZZ_SEEDS ?? '1,2').split(',').map((s) => Number(s.trim()));
const count = Number(process.env.BTLS_FUZZ_COUNT ?? 600);
const minimize = process.env.BTLS_FUZZ_MINIMIZE !== '0';
/** at most this many mismatches are shrunk (each costs up to a few hundred dry runs) */
const maxMinimized = Number(process.env.BTLS_FUZZ_MAX_MINIMIZED ?? 10);

const crdEngine = loadEngine({ ruleset: 'crd' });

function inNamespace(o: Obj, ns: string): Obj {
  const c = structuredClone(o);
  if (c.metadata && typeof c.metadata === 'object' && !Array.isArray(c.metadata)) (c.metadata as Obj).namespace = ns;
  return c;
}

/** btls's side in process (for shrinking: one `btls check` per candidate would be slow); the CLI gives the same findings */
function btlsInProcess(o: Obj): BtlsFileResult {
  return { findings: crdEngine.evaluate(o).map((f) => ({ ...f, source: { file: '', line: 0, column: 0 }, object: { apiVersion: '', kind: '', namespace: '', name: '' } })), inputErrors: [] };
}

// ---- what the apiserver says that cannot be reproduced --------------------------------------------------------------

/**
 * Two answers of the apiserver cannot be reproduced in principle, and are taken out of the comparison (counted and
 * listed in the report):
 *  - no name and an invalid generateName: the apiserver also reports the name it generated, with a random suffix
 *    (`metadata.name: Invalid value: "Gen-x7k2p": ...`); the generateName error is reported by both, so the verdict
 *    does not change;
 *  - two owner references with controller true: the apiserver prints the list as Go values with pointer addresses
 *    (`Controller:(*bool)(0xc00123)`), btls prints `"array"`: compared as `Invalid value: <owner references>: ...`.
 */
function reproducible(o: Obj, n: { api: Side; btls: Side }): { api: Side; btls: Side; notes: string[] } {
  const notes: string[] = [];
  const md = (o.metadata ?? {}) as Obj;
  let api = n.api.errors;
  if ((md.name === undefined || md.name === null || md.name === '') && typeof md.generateName === 'string' && md.generateName !== '') {
    const prefix = `metadata.name: Invalid value: ${JSON.stringify([...md.generateName].slice(0, 58).join('')).slice(0, -1)}`;
    const kept = api.filter((e) => !(e.startsWith(prefix) || (e.startsWith('metadata.name: Invalid value: ') && !n.btls.errors.includes(e))));
    if (kept.length !== api.length) notes.push(`generated name with a random suffix left out: ${api.filter((e) => !kept.includes(e)).join(' | ').slice(0, 200)}`);
    api = kept;
  }
  const owners = (e: string) => e.replace(/^metadata\.ownerReferences: Invalid value: (?:\[\]v1\.OwnerReference\{.*\}|"array"): Only one/, 'metadata.ownerReferences: Invalid value: <owner references>: Only one');
  if (api.some((e) => e !== owners(e))) notes.push('owner references printed with pointer addresses: compared without the value');
  return { api: { ...n.api, errors: api.map(owners) }, btls: { ...n.btls, errors: n.btls.errors.map(owners) }, notes };
}

// ---- shrinking ----------------------------------------------------------------------------------------------------

type Path = (string | number)[];
function paths(v: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (v !== null && typeof v === 'object') {
    if (Array.isArray(v)) v.forEach((x, i) => { out.push([...prefix, i]); paths(x, [...prefix, i], out); });
    else for (const [k, x] of Object.entries(v)) { out.push([...prefix, k]); paths(x, [...prefix, k], out); }
  }
  return out;
}
function edit(o: Obj, p: Path, f: (holder: Record<string | number, Json> | Json[], key: string | number) => void): Obj {
  const c = structuredClone(o);
  let h: Json = c;
  for (const k of p.slice(0, -1)) h = (h as Record<string | number, Json>)[k as never];
  f(h as Record<string | number, Json>, p[p.length - 1]);
  return c;
}
const fixed = (p: Path) => (p[0] === 'apiVersion' || p[0] === 'kind' || (p[0] === 'metadata' && (p[1] === 'namespace' || p.length === 1)));

/** Smaller variants of o, biggest cuts first. */
function* shrinks(o: Obj): Generator<Obj> {
  const ps = paths(o).filter((p) => !fixed(p));
  for (const p of ps) {
    yield edit(o, p, (h, k) => (Array.isArray(h) ? h.splice(Number(k), 1) : delete (h as Record<string, Json>)[k]));
  }
  for (const p of ps) {
    let cur: Json = o;
    for (const k of p) cur = (cur as Record<string | number, Json>)[k as never];
    if (typeof cur === 'string' && cur.length > 1) {
      const chars = [...cur];
      for (const n of [Math.floor(chars.length / 2), chars.length - 1]) {
        if (n < 1) continue;
        yield edit(o, p, (h, k) => ((h as Record<string | number, Json>)[k as never] = chars.slice(0, n).join('')));
        yield edit(o, p, (h, k) => ((h as Record<string | number, Json>)[k as never] = chars.slice(chars.length - n).join('')));
      }
    }
  }
}

/** Shrinks o while `still(o)` holds, one accepted cut at a time; at most `budget` checks. */
async function shrink(o: Obj, still: (o: Obj) => Promise<boolean>, budget = 400): Promise<Obj> {
  let best = o;
  let progress = true;
  while (progress && budget > 0) {
    progress = false;
    for (const c of shrinks(best)) {
      if (--budget <= 0) break;
      if (await still(c)) {
        best = c;
        progress = true;
        break;
      }
    }
  }
  return best;
}

// ---- the run ------------------------------------------------------------------------------------------------------

interface Mismatch {
  c: FuzzCase;
  part: 'crd' | 'vap';
  why: string;
  api: Side & { code: number };
  btls: Side;
  minimal?: Obj;
  minimalApi?: Side;
  minimalBtls?: Side;
}

function report(m: Mismatch): string {
  const lines = [`### ${m.part} ${m.c.id} (seed ${m.c.seed}, index ${m.c.index}, from ${m.c.from}): ${m.why}`];
  for (const x of m.c.mutations) lines.push(`    mutation: ${x}`);
  const sides = (api: Side, btls: Side, code?: number) => {
    lines.push(`    apiserver${code !== undefined ? ` (HTTP ${code})` : ''}: ${api.allowed ? 'allowed' : 'denied'}`);
    for (const e of sorted(api.errors)) lines.push(`      - ${JSON.stringify(e)}`);
    lines.push(`    btls: ${btls.allowed ? 'allowed' : 'denied'}`);
    for (const e of sorted(btls.errors)) lines.push(`      - ${JSON.stringify(e)}`);
  };
  sides(m.api, m.btls, m.api.code);
  if (m.minimal) {
    lines.push(`    minimal object: ${JSON.stringify(m.minimal)}`);
    if (m.minimalApi && m.minimalBtls) sides(m.minimalApi, m.minimalBtls);
  }
  lines.push(`    reproduce: fuzzCase(${m.c.seed}, ${m.c.index}) in test/e2e/fuzz/generate.ts`);
  return lines.join('\n');
}

d('fuzz parity: random BackendTLSPolicies, kube-apiserver vs btls', () => {
  const cases = seeds.flatMap((s) => fuzzCases(s, count));
  const mismatches: Mismatch[] = [];
  let admitted = 0;
  let denied = 0;
  let vapCompared = 0;
  let vapDenied = 0;
  let dir = '';
  const notes: string[] = [];
  const rulesHit = new Set<string>();

  beforeAll(async () => {
    const ns = await freshNamespace('fuzz');
    const nsVap = await freshNamespace('fuzz-vap');
    const probe = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'BackendTLSPolicy', metadata: { name: 'vap-probe', namespace: nsVap }, spec: { targetRefs: [{ group: '', kind: 'Service', name: 'a' }], validation: { hostname: '10.1.2.3', wellKnownCACertificates: 'System' } } };
    const vapReady: Promise<VapSetup> = installVap('btls-fuzz', nsVap, probe);

    dir = mkdtempSync(join(tmpdir(), 'btls-fuzz-'));
    const files = cases.map((c) => {
      const file = `${c.id}.json`;
      writeFileSync(join(dir, file), JSON.stringify(inNamespace(c.object, ns), null, 1) + '\n');
      return file;
    });
    const dry = (o: Obj, namespace: string) => apiDryRun(o, { namespace });
    const [cli, answers] = await Promise.all([btlsCheckDir(dir), mapLimit(cases, 6, (c) => dry(inNamespace(c.object, ns), ns))]);
    const none: BtlsFileResult = { findings: [], inputErrors: [] };

    const crdDiff = async (o: Obj): Promise<{ n: { api: Side; btls: Side }; why: string }> => {
      const api = await dry(inNamespace(o, ns), ns);
      const n = reproducible(o, normalise(api, btlsInProcess(inNamespace(o, ns))));
      return { n, why: difference(n) };
    };
    const accepted: FuzzCase[] = [];
    cases.forEach((c, i) => {
      const api = answers[i];
      const n = reproducible(c.object, normalise(api, cli.byFile.get(files[i]) ?? none));
      for (const note of n.notes) notes.push(`${c.id}: ${note}`);
      for (const f of (cli.byFile.get(files[i]) ?? none).findings) rulesHit.add(f.rule);
      if (api.allowed) {
        admitted++;
        accepted.push(c);
      } else denied++;
      const why = difference(n);
      if (why) mismatches.push({ c, part: 'crd', why, api: { ...n.api, code: api.code }, btls: n.btls });
    });

    const setup = await vapReady;
    const vapAnswers = await mapLimit(accepted, 6, (c) => dry(inNamespace(c.object, nsVap), nsVap));
    const vapDiff = (o: Obj, r: ApiDryRunResult) => vapDifference(setup, inNamespace(o, nsVap), r);
    accepted.forEach((c, i) => {
      const v = vapDiff(c.object, vapAnswers[i]);
      if (!v) return;
      vapCompared++;
      if (v.denied) vapDenied++;
      if (v.diff) mismatches.push({ c, part: 'vap', why: v.diff, api: { allowed: vapAnswers[i].allowed, errors: [vapAnswers[i].message], code: vapAnswers[i].code }, btls: { allowed: !v.denied, errors: [] } });
    });

    if (minimize) {
      for (const m of mismatches.slice(0, maxMinimized)) {
        if (m.part === 'crd') {
          // the same kind of difference, and still one of the strings that differed: not another mismatch
          const kind = m.why;
          const only = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));
          const apiOnly = new Set(only(m.api.errors, m.btls.errors));
          const btlsOnly = new Set(only(m.btls.errors, m.api.errors));
          m.minimal = await shrink(m.c.object, async (o) => {
            const d = await crdDiff(o);
            if (d.why !== kind) return false;
            return only(d.n.api.errors, d.n.btls.errors).some((e) => apiOnly.has(e)) || only(d.n.btls.errors, d.n.api.errors).some((e) => btlsOnly.has(e));
          });
          const last = await crdDiff(m.minimal);
          m.minimalApi = last.n.api;
          m.minimalBtls = last.n.btls;
        } else {
          const kind = m.why.replace(/ \(.*$|: .*$/s, '');
          m.minimal = await shrink(m.c.object, async (o) => {
            const crd = await dry(inNamespace(o, ns), ns);
            if (!crd.allowed) return false;
            const v = vapDiff(o, await dry(inNamespace(o, nsVap), nsVap));
            return Boolean(v?.diff) && v!.diff.replace(/ \(.*$|: .*$/s, '') === kind;
          });
        }
      }
    }

    const text = [
      `fuzz parity: seeds ${seeds.join(',')} x ${count} = ${cases.length} objects (${admitted} admitted, ${denied} denied by the CRD; ${vapCompared} through the VAP, ${vapDenied} denied by it); ${mismatches.length} mismatches`,
      ...mismatches.map(report),
      `not reproducible in principle, left out of the comparison (${notes.length}):\n${notes.map((n) => `  ${n}`).join('\n')}`,
    ].join('\n\n');
    try {
      mkdirSync(join(repoRoot, 'test', 'e2e', '.cache'), { recursive: true });
      writeFileSync(join(repoRoot, 'test', 'e2e', '.cache', 'fuzz-parity-report.txt'), text + '\n');
    } catch {
      // the report file is a convenience only
    }
    console.log(text.length > 20000 ? text.slice(0, 20000) + '\n... (see test/e2e/.cache/fuzz-parity-report.txt)' : text);
  }, 600_000);

  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await kubectl(['delete', 'validatingadmissionpolicybinding,validatingadmissionpolicy', '-l', 'app.kubernetes.io/managed-by=btls', '--ignore-not-found']);
  });

  test('the generator is deterministic and mutates', () => {
    expect(JSON.stringify(fuzzCase(seeds[0], 7))).toBe(JSON.stringify(cases[7]));
    expect(cases.every((c) => c.mutations.length >= 1 && c.mutations.length <= 4)).toBe(true);
    expect(new Set(cases.map((c) => JSON.stringify(c.object))).size).toBeGreaterThan(cases.length * 0.95);
  });

  test('both verdicts are well represented, and the VAP is reached', () => {
    expect(admitted).toBeGreaterThan(cases.length * 0.1);
    expect(denied).toBeGreaterThan(cases.length * 0.3);
    expect(vapCompared).toBe(admitted);
    expect(vapDenied).toBeGreaterThan(0);
    // the mutations reach most of the crd rule set: schema keywords, metadata, decoding, unknown fields, CEL
    expect([...rulesHit].sort()).toEqual(
      expect.arrayContaining(['crd-decode-error', 'crd-metadata-labels', 'crd-metadata-name', 'crd-not-both-ca-certificate-refs-well', 'crd-rules-not-checked', 'crd-schema-max-items', 'crd-schema-max-length', 'crd-schema-pattern', 'crd-schema-required', 'crd-schema-type', 'crd-section-name-unique-target-refs', 'crd-subject-alt-name-hostname', 'crd-unknown-field']),
    );
  });

  test('the CRD: btls check --ruleset crd says what the apiserver says', () => {
    const crd = mismatches.filter((m) => m.part === 'crd');
    if (crd.length) throw new Error(`\n${crd.map(report).join('\n\n')}`);
  });

  test('the VAP: denies exactly when the webhook rules it carries deny, with their message', () => {
    const vap = mismatches.filter((m) => m.part === 'vap');
    if (vap.length) throw new Error(`\n${vap.map(report).join('\n\n')}`);
  });
});
