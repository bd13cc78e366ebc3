// The comparison crd-parity.e2e.test.ts and fuzz-parity.e2e.test.ts make between kube-apiserver's answer to a
// dry-run create and `btls check --ruleset crd --output json DIR`: one place, so that both compare alike.
//
// Normalisation (the only one done):
//  - order is ignored (the apiserver iterates Go maps); duplicates count;
//  - the apiserver answers an unknown field with HTTP 400 and one message
//    (`... strict decoding error: unknown field "spec.foo", unknown field "spec.bar"`); btls gives one
//    finding per field, `spec.foo: unknown field "spec.foo"`: both sides are compared as the list of
//    `unknown field "..."` items;
//  - a 400 from decoding metadata (`json: cannot unmarshal ...`, Go's time.Parse): the decoder's sentence on
//    the apiserver's side, btls's crd-decode-error message on the other.

import { spawn } from 'node:child_process';
import { basename, join } from 'node:path';
import { repoRoot, type ApiDryRunResult } from './cluster.js';

export interface BtlsFinding {
  source: { file: string; line: number; column: number };
  object: { apiVersion: string; kind: string; namespace: string; name: string };
  rule: string;
  field: string;
  message: string;
  severity: string;
}
interface BtlsReport {
  findings: BtlsFinding[];
  errors: { source: { file: string }; message: string }[];
  summary: Record<string, number>;
}

export interface Side {
  allowed: boolean;
  errors: string[];
}

export interface BtlsFileResult {
  findings: BtlsFinding[];
  inputErrors: string[];
}

export function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

export async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** One `btls check --ruleset crd --output json DIR` run; findings and input errors by file name. */
export async function btlsCheckDir(dir: string, ruleset = 'crd'): Promise<{ raw: string; byFile: Map<string, BtlsFileResult> }> {
  const cli = await run(process.execPath, [join(repoRoot, 'bin', 'btls'), 'check', '--ruleset', ruleset, '--output', 'json', dir]);
  if (cli.code !== 0 && cli.code !== 1) throw new Error(`btls check exited ${cli.code}: ${cli.stderr}`);
  const report = JSON.parse(cli.stdout) as BtlsReport;
  const byFile = new Map<string, BtlsFileResult>();
  const at = (f: string) => {
    let r = byFile.get(f);
    if (!r) byFile.set(f, (r = { findings: [], inputErrors: [] }));
    return r;
  };
  for (const f of report.findings) at(basename(f.source.file)).findings.push(f);
  for (const e of report.errors) at(basename(e.source.file)).inputErrors.push(e.message);
  return { raw: cli.stdout, byFile };
}

// the strict decoder quotes each path as it is, without escaping (`unknown field "spec.x\"` for a key `x\`): an item
// ends at the next `", unknown field "` or at the end of the message
const unknownItem = /unknown field "(.*?)"(?=, unknown field "|$)/gs;
export const isStrictDecoding = (r: ApiDryRunResult) => r.code === 400 && /strict decoding error: unknown field/.test(r.message);
// a 400 from decoding metadata (`json: cannot unmarshal ...`, or Go's time.Parse on a timestamp): btls reports the
// decoder's sentence as crd-decode-error
const decodeError = /cannot be handled as a BackendTLSPolicy: ((?:json: |parsing time ).*)$/;

/** Both sides as comparable lists of strings (see the normalisation above). */
export function normalise(api: ApiDryRunResult, btls: BtlsFileResult): { api: Side; btls: Side; rules: string[] } {
  const deny = btls.findings.filter((f) => f.severity === 'deny');
  const input = btls.inputErrors.map((m) => `(input error) ${m}`);
  const btlsAllowed = deny.length === 0 && btls.inputErrors.length === 0;
  let apiErrors = api.errors;
  let btlsErrors = [...deny.map((f) => `${f.field}: ${f.message}`), ...input];
  const decode = api.code === 400 ? decodeError.exec(api.message) : null;
  if (decode) {
    apiErrors = [decode[1]];
    btlsErrors = [...deny.map((f) => (f.rule === 'crd-decode-error' ? f.message : `${f.field}: ${f.message}`)), ...input];
  } else if (isStrictDecoding(api)) {
    apiErrors = [...api.message.matchAll(unknownItem)].map((m) => m[0]);
    btlsErrors = [...deny.map((f) => (f.rule === 'crd-unknown-field' ? f.message : `${f.field}: ${f.message}`)), ...input];
  }
  return { api: { allowed: api.allowed, errors: apiErrors }, btls: { allowed: btlsAllowed, errors: btlsErrors }, rules: [...new Set(btls.findings.map((f) => f.rule))] };
}

export const sorted = (xs: string[]) => [...xs].sort();
export const sameMultiset = (a: string[], b: string[]) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

/** '' when both sides agree; otherwise what differs ('VERDICT differs' or 'error strings differ'). */
export function difference(n: { api: Side; btls: Side }, verdictOnly = false): string {
  if (n.api.allowed !== n.btls.allowed) return 'VERDICT differs';
  if (!verdictOnly && !sameMultiset(n.api.errors, n.btls.errors)) return 'error strings differ';
  return '';
}
