// Issue 5, part 1: CRD parity. Every object of the generated corpus (corpus/generate.ts, >= 200
// BackendTLSPolicies) goes to the real kube-apiserver (apiDryRun: POST ?dryRun=All&fieldValidation=Strict,
// what `kubectl apply --dry-run=server` sends for a new object, no webhooks registered by this file) and,
// all in one run, through `btls check --ruleset crd --output json <folder>` (one file per object; findings
// are matched to objects by file). Same verdict and the same SET of `field: message` strings, or the
// test fails and prints both sides.
//
// Comparison rules: lib/parity.ts normalise() (shared with fuzz-parity.e2e.test.ts): order ignored, duplicates
// count, unknown fields compared as the list of `unknown field "..."` items, a metadata decoding error as the
// decoder's sentence. Besides:
//  - every object is placed in this test's fresh namespace on both sides (metadata.namespace set), because
//    the apiserver refuses an object whose namespace differs from the request's or does not exist, which
//    is no business of the CRD;
//  - cases with raw edits of the JSON text (2.0, duplicate keys) are sent with kubectl apply --dry-run=server
//    (see kubectlDryRunText); the raw POST answer goes into the report as a note;
//  - a case marked verdictOnly in the corpus (the apiserver answers from outside the CRD: a version the
//    CRD does not serve has no REST endpoint) compares only allowed/denied; the reason is printed.
//
// BTLS_E2E_CORPUS_DIR=dir keeps the written corpus there (default: a temp folder, removed afterwards);
// the side-by-side report is also written to test/e2e/.cache/crd-parity-report.txt (git-ignored).

import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiDryRun, apiRequest, clusterUp, freshNamespace, kubectl, parseKubectlErrors, repoRoot, resourceFor, type ApiDryRunResult } from './lib/cluster.js';
import { btlsCheckDir, difference, mapLimit, normalise, sorted, type BtlsFileResult, type Side } from './lib/parity.js';
import { corpusText, generateCorpus, writeCorpus, type CorpusCase } from './corpus/generate.js';

const up = await clusterUp();
if (!up && process.env.BTLS_E2E_REQUIRED === '1') throw new Error('no e2e cluster: run test/e2e/cluster.sh up');
const d = up ? describe : describe.skip;

interface Outcome {
  c: CorpusCase;
  file: string;
  api: Side & { code: number; note?: string };
  btls: Side & { rules: string[] };
  /** '' when both sides agree */
  diff: string;
}

const cases = generateCorpus();

function inNamespace(o: CorpusCase['object'], ns: string): CorpusCase['object'] {
  const c = structuredClone(o);
  if (c.metadata && typeof c.metadata === 'object' && !Array.isArray(c.metadata)) (c.metadata as Record<string, unknown>).namespace = ns;
  return c;
}

/**
 * Cases with raw edits of the JSON text (`2.0`, duplicate keys) go through `kubectl apply --dry-run=server`,
 * the path the issue names: kubectl decodes the text itself and sends what it decoded (`2.0` arrives as the
 * integer 2, of two duplicate keys the last one wins). The raw text POSTed as is gets other answers
 * (`"number"`; 400 `strict decoding error: duplicate field ...`): that is put into the report as a note,
 * it is not what a kubectl user meets.
 */
async function kubectlDryRunText(text: string, ns: string): Promise<ApiDryRunResult> {
  const r = await kubectl(['apply', '--dry-run=server', '-o', 'name', '-f', '-'], { namespace: ns, stdin: text });
  const raw = await apiDryRunText(text, ns);
  const note = `raw POST of the same text: HTTP ${raw.code} ${raw.allowed ? 'allowed' : JSON.stringify(raw.errors)}`;
  if (r.code === 0) return { allowed: true, errors: [], raw: r.stdout, code: 0, reason: 'kubectl', message: note, status: undefined };
  return { allowed: false, errors: parseKubectlErrors(r.stderr), raw: r.stderr, code: r.code, reason: 'kubectl', message: note, status: undefined };
}

/** apiDryRun for a JSON text: same request, same answer shape. */
async function apiDryRunText(text: string, ns: string): Promise<ApiDryRunResult> {
  const { base, plural } = await resourceFor('gateway.networking.k8s.io/v1', 'BackendTLSPolicy');
  const r = await apiRequest('POST', `${base}/namespaces/${ns}/${plural}?dryRun=All&fieldValidation=Strict`, text);
  if (r.status >= 200 && r.status < 300) return { allowed: true, errors: [], raw: r.body, code: r.status, reason: '', message: '', status: r.json };
  const st = (r.json ?? {}) as { reason?: string; message?: string; details?: { causes?: { field?: string; message?: string }[] } };
  const causes = st.details?.causes ?? [];
  const errors = causes.length ? causes.map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : (c.message ?? ''))) : [st.message ?? r.body];
  return { allowed: false, errors, raw: r.body, code: r.status, reason: st.reason ?? '', message: st.message ?? '', status: r.json };
}

/** apiDryRun throws when discovery has no resource for the apiVersion (not served): the apiserver's 404. */
function notServed(e: Error): ApiDryRunResult {
  if (!/HTTP 404/.test(e.message)) throw e;
  return { allowed: false, errors: [e.message], raw: '', code: 404, reason: 'NotFound', message: e.message, status: undefined };
}

function sideBySide(o: Omit<Outcome, 'diff'>, why: string): string {
  const lines = [`### ${o.c.id} (${o.file}): ${why}`, `    about: ${o.c.about}`];
  lines.push(o.api.note !== undefined ? `    kubectl apply --dry-run=server (exit ${o.api.code}): ${o.api.allowed ? 'allowed' : 'denied'}` : `    apiserver (HTTP ${o.api.code}): ${o.api.allowed ? 'allowed' : 'denied'}`);
  for (const e of sorted(o.api.errors)) lines.push(`      - ${JSON.stringify(e)}`);
  lines.push(`    btls check --ruleset crd: ${o.btls.allowed ? 'allowed' : 'denied'}`);
  for (const e of sorted(o.btls.errors)) lines.push(`      - ${JSON.stringify(e)}`);
  if (o.api.note !== undefined) lines.push(`    note: ${o.api.note}`);
  return lines.join('\n');
}

d('CRD parity: kube-apiserver vs btls check --ruleset crd', () => {
  const outcomes = new Map<string, Outcome>();
  let dir = '';
  let keep = false;
  let btlsRaw = '';

  beforeAll(async () => {
    const ns = await freshNamespace('parity');
    keep = Boolean(process.env.BTLS_E2E_CORPUS_DIR);
    dir = process.env.BTLS_E2E_CORPUS_DIR ?? mkdtempSync(join(tmpdir(), 'btls-corpus-'));
    if (keep) for (const f of readdirSync(dir, { withFileTypes: true })) if (f.isFile() && f.name.endsWith('.json')) rmSync(join(dir, f.name));
    const files = writeCorpus(dir, cases, (c) => inNamespace(c.object, ns));

    const [cli, apiResults] = await Promise.all([
      btlsCheckDir(dir),
      mapLimit(cases, 6, (c) =>
        (c.rawEdits ? kubectlDryRunText(corpusText(c, inNamespace(c.object, ns)), ns) : apiDryRun(inNamespace(c.object, ns), { namespace: ns })).catch((e: Error) => notServed(e)),
      ),
    ]);
    btlsRaw = cli.raw;
    const none: BtlsFileResult = { findings: [], inputErrors: [] };

    cases.forEach((c, i) => {
      const file = files[i];
      const api = apiResults[i];
      const n = normalise(api, cli.byFile.get(file) ?? none);
      const o: Omit<Outcome, 'diff'> = {
        c,
        file,
        api: { ...n.api, code: api.code, ...(api.reason === 'kubectl' ? { note: api.message } : {}) },
        btls: { ...n.btls, rules: n.rules },
      };
      const why = difference(n, Boolean(c.verdictOnly));
      outcomes.set(c.id, { ...o, diff: why ? sideBySide(o, why) : '' });
    });

    const diffs = [...outcomes.values()].filter((o) => o.diff);
    const verdictOnly = [...outcomes.values()].filter((o) => o.c.verdictOnly);
    const text = [
      `CRD parity: ${cases.length} objects, ${diffs.length} differences`,
      ...diffs.map((o) => o.diff),
      ...verdictOnly.map((o) => sideBySide(o, `compared by verdict only: ${o.c.verdictOnly}`)),
      ...[...outcomes.values()].filter((o) => o.api.note !== undefined && !o.diff).map((o) => sideBySide(o, 'agrees through kubectl (raw text case)')),
    ].join('\n\n');
    try {
      mkdirSync(join(repoRoot, 'test', 'e2e', '.cache'), { recursive: true });
      writeFileSync(join(repoRoot, 'test', 'e2e', '.cache', 'crd-parity-report.txt'), text + '\n');
    } catch {
      // the report file is a convenience only
    }
    if (diffs.length) console.log(`CRD parity: ${diffs.length} of ${cases.length} objects differ; side by side in test/e2e/.cache/crd-parity-report.txt and in each failing test below`);
  }, 240_000);

  afterAll(() => {
    if (dir && !keep) rmSync(dir, { recursive: true, force: true });
  });

  test('the corpus is deterministic, has >= 200 objects, unique ids and names', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(JSON.stringify(generateCorpus())).toBe(JSON.stringify(cases));
    const names = cases.map((c) => (c.object.metadata as { name?: unknown } | undefined)?.name).filter((n): n is string => typeof n === 'string' && n !== '');
    expect(new Set(names).size).toBe(names.length);
  });

  test('the corpus reaches every rule of the crd set, with both verdicts', () => {
    const crdRules = readdirSync(join(repoRoot, 'rules', 'crd')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
    const hit = new Set([...outcomes.values()].flatMap((o) => o.btls.rules));
    expect(crdRules.filter((r) => !hit.has(r))).toEqual([]);
    const verdicts = [...outcomes.values()].map((o) => o.api.allowed);
    expect(verdicts.filter(Boolean).length).toBeGreaterThanOrEqual(50);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThanOrEqual(150);
    expect(btlsRaw).not.toBe('');
  });

  test.each(cases.map((c) => [c.id] as const))('%s: same verdict and error strings', (id) => {
    const o = outcomes.get(id);
    if (!o) throw new Error(`no outcome for ${id}`);
    // the whole side-by-side block is the failure message
    if (o.diff) throw new Error(`\n${o.diff}`);
  });
});
