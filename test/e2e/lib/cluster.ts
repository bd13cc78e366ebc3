// Helpers for the e2e tests that run against the real kube-apiserver started by
// test/e2e/cluster.sh (see test/e2e/README.md). Only node: builtins and js-yaml.
//
// Which dry run should the parity test trust?
//   apiDryRun(). It POSTs the object exactly as `kubectl apply` creates it
//   (?dryRun=All&fieldValidation=Strict) and returns the server's own
//   details.causes as `field + ": " + message`, one string per cause, with the
//   HTTP code and reason: nothing is re-split, so commas, brackets and quotes in
//   messages (patterns like '[a-z0-9]...', `supported values: "Hostname",
//   "URI"`) cannot shift error boundaries.
//   serverDryRun() parses kubectl's human output. In v1.33 kubectl prints one
//   cause as `The BackendTLSPolicy "NAME" is invalid: E` and several as a header
//   line followed by one `* E` line per cause (NOT `[E1, E2]`: that bracketed
//   form is the server's Status.message, which apiDryRun returns as `message`).
//   Its strings came out identical to apiDryRun's on every object checked
//   (README: "Observed error strings"), so it is fine for tests that check
//   what a kubectl user sees, but a message containing a newline would still
//   break the line-per-cause parse. Use apiDryRun for the rule-set parity
//   test, serverDryRun for the "kubectl user sees the same line" tests.
//
// A test file can skip itself when no cluster is up:
//   const up = await clusterUp();  (describe.skip when false)

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';

const here = dirname(fileURLToPath(import.meta.url));
/** Repository root (test/e2e/lib/../../..). */
export const repoRoot = resolve(here, '..', '..', '..');
/** Where cluster.sh keeps its state; BTLS_E2E_DIR overrides. */
export const e2eDir = process.env.BTLS_E2E_DIR ?? join(repoRoot, '.e2e');
export const kubeconfigPath = join(e2eDir, 'kubeconfig');
/** The kubectl built by build.sh (same version as the apiserver); BTLS_E2E_KUBECTL overrides. */
export const kubectlPath = process.env.BTLS_E2E_KUBECTL ?? join(repoRoot, 'test', 'e2e', '.cache', 'bin', 'kubectl');

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  stdin?: string;
  namespace?: string;
  /** Kill kubectl after this long (default 60 s); the result then has code 124. */
  timeoutMs?: number;
}

/** Run the built kubectl against .e2e/kubeconfig. Never throws for a non-zero exit. */
export function kubectl(args: string[], opts: KubectlOptions = {}): Promise<ExecResult> {
  const full = ['--kubeconfig', kubeconfigPath];
  if (opts.namespace) full.push('--namespace', opts.namespace);
  full.push(...args);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(kubectlPath, full, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: kubeconfigPath } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${kubectlPath} (run test/e2e/build.sh): ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({
        code: timedOut ? 124 : (code ?? 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.on('error', () => {}); // kubectl may exit before reading stdin
    child.stdin.end(opts.stdin ?? '');
  });
}

/** True when cluster.sh is up and /readyz answers ok. */
export async function clusterUp(): Promise<boolean> {
  if (!existsSync(kubeconfigPath) || !existsSync(kubectlPath)) return false;
  const r = await kubectl(['get', '--raw', '/readyz', '--request-timeout=5s'], { timeoutMs: 10_000 });
  return r.code === 0 && r.stdout.trim() === 'ok';
}

/**
 * Create a uniquely named namespace and return its name. Without
 * kube-controller-manager a deleted namespace stays Terminating for good, so
 * each test takes a fresh one and nothing is deleted (cluster.sh down wipes all).
 */
export async function freshNamespace(prefix = 'e2e'): Promise<string> {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50) || 'e2e';
  const name = `${clean}-${randomBytes(5).toString('hex')}`;
  const r = await kubectl(['create', 'namespace', name]);
  if (r.code !== 0) throw new Error(`kubectl create namespace ${name} failed: ${r.stderr.trim()}`);
  return name;
}

export interface DryRunResult {
  allowed: boolean;
  /** One `field: message` string per cause (or the single message of a non-422 error). */
  errors: string[];
  /** kubectl's stderr (or stdout when allowed). */
  raw: string;
}

export type K8sObject = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

/**
 * `kubectl apply --dry-run=server -f -` on ONE object, as a kubectl user would
 * run it; errors parsed out of kubectl's stderr (see parseKubectlErrors).
 */
export async function serverDryRun(obj: object, opts: { namespace?: string } = {}): Promise<DryRunResult> {
  const object = obj as K8sObject;
  const r = await kubectl(['apply', '--dry-run=server', '-o', 'name', '-f', '-'], {
    stdin: JSON.stringify(object),
    namespace: object.metadata?.namespace ? undefined : opts.namespace,
  });
  if (r.code === 0) return { allowed: true, errors: [], raw: r.stdout };
  return { allowed: false, errors: parseKubectlErrors(r.stderr), raw: r.stderr };
}

// A field path as the apiserver prints it: no whitespace, e.g. `spec.targetRefs[0].name`,
// `spec.options.example.com/k`, `metadata.name`, or `<nil>`.
const FIELD = String.raw`(?:<nil>|[A-Za-z_$][^\s:]*(?:\[[^\]\s]*\][^\s:]*)*)`;
const startsWithField = new RegExp(`^${FIELD}: `);

/**
 * Parse kubectl's stderr for a failed apply of one object. Observed shapes (v1.33 kubectl):
 *   The BackendTLSPolicy "NAME" is invalid: E
 *   The BackendTLSPolicy "NAME" is invalid: \n* E1\n* E2
 *   Error from server (BadRequest): error when creating "STDIN": MESSAGE     (strict decoding, 400)
 *   Error from server (Forbidden|...): error when creating "STDIN": MESSAGE   (webhook denials etc.)
 * and, defensively, the bracketed `is invalid: [E1, E2]` form, split only at `, ` followed by
 * a field path and `: ` so that commas and brackets inside messages survive.
 */
export function parseKubectlErrors(stderr: string): string[] {
  const lines = stderr.replace(/\r/g, '').split('\n');
  const errors: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const inv = /^The .* is invalid: ?(.*)$/.exec(line) ?? /^The request is invalid: ?(.*)$/.exec(line);
    if (inv) {
      const rest = inv[1];
      if (rest === '') {
        // multi-line list: "* E" lines follow
        while (i + 1 < lines.length && lines[i + 1].startsWith('* ')) errors.push(lines[++i].slice(2));
      } else if (rest.startsWith('[') && rest.endsWith(']') && startsWithField.test(rest.slice(1))) {
        errors.push(...splitBracketed(rest.slice(1, -1)));
      } else {
        errors.push(rest);
      }
      continue;
    }
    const srv = /^Error from server(?: \([A-Za-z]+\))?: (.*)$/.exec(line);
    if (srv) {
      errors.push(srv[1].replace(/^error when (?:creating|applying patch|patching|replacing|retrieving current configuration of)[^:]*?"[^"]*": /, ''));
      continue;
    }
    if (/^error: /.test(line)) errors.push(line.slice('error: '.length));
  }
  if (errors.length === 0 && stderr.trim() !== '') errors.push(stderr.trim());
  return errors;
}

function splitBracketed(s: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = s.indexOf(', '); i !== -1; i = s.indexOf(', ', i + 1)) {
    if (startsWithField.test(s.slice(i + 2))) {
      out.push(s.slice(start, i));
      start = i + 2;
    }
  }
  out.push(s.slice(start));
  return out;
}

// ---- direct API -----------------------------------------------------------------------

export interface ClusterAccess {
  server: string;
  token: string;
  ca?: Buffer;
  insecure: boolean;
}

let access: ClusterAccess | undefined;

/** Server URL, bearer token and CA read from .e2e/kubeconfig (written by cluster.sh). */
export function clusterAccess(): ClusterAccess {
  if (access) return access;
  const kc = load(readFileSync(kubeconfigPath, 'utf8')) as {
    'current-context'?: string;
    contexts?: { name: string; context: { cluster: string; user: string } }[];
    clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string; 'insecure-skip-tls-verify'?: boolean } }[];
    users?: { name: string; user: { token?: string } }[];
  };
  const ctx = kc.contexts?.find((c) => c.name === kc['current-context'])?.context ?? kc.contexts?.[0]?.context;
  const cluster = kc.clusters?.find((c) => c.name === ctx?.cluster)?.cluster ?? kc.clusters?.[0]?.cluster;
  const user = kc.users?.find((u) => u.name === ctx?.user)?.user ?? kc.users?.[0]?.user;
  if (!cluster?.server || !user?.token) throw new Error(`${kubeconfigPath}: no server or token`);
  const ca = cluster['certificate-authority-data']
    ? Buffer.from(cluster['certificate-authority-data'], 'base64')
    : cluster['certificate-authority']
      ? readFileSync(cluster['certificate-authority'])
      : undefined;
  access = { server: cluster.server, token: user.token, ca, insecure: cluster['insecure-skip-tls-verify'] === true };
  return access;
}

export interface ApiResponse {
  status: number;
  body: string;
  json?: unknown;
}

/** One HTTPS request to the apiserver with the admin token. */
export function apiRequest(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiResponse> {
  const a = clusterAccess();
  const url = new URL(path, a.server);
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolvePromise, reject) => {
    const req = httpsRequest(
      url,
      {
        method,
        ca: a.ca,
        rejectUnauthorized: !a.insecure,
        headers: {
          authorization: `Bearer ${a.token}`,
          accept: 'application/json',
          ...(payload !== undefined ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {}),
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolvePromise({ status: res.statusCode ?? 0, body: text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: timed out`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

const resourceCache = new Map<string, { plural: string; namespaced: boolean }>();

/** Find the REST resource (plural, namespaced) for apiVersion+kind through discovery. */
export async function resourceFor(apiVersion: string, kind: string): Promise<{ base: string; plural: string; namespaced: boolean }> {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const key = `${apiVersion}/${kind}`;
  let hit = resourceCache.get(key);
  if (!hit) {
    const r = await apiRequest('GET', base);
    const list = r.json as { resources?: { name: string; kind: string; namespaced: boolean }[] } | undefined;
    const res = list?.resources?.find((x) => x.kind === kind && !x.name.includes('/'));
    if (!res) throw new Error(`no resource of kind ${kind} in ${base} (HTTP ${r.status})`);
    hit = { plural: res.name, namespaced: res.namespaced };
    resourceCache.set(key, hit);
  }
  return { base, ...hit };
}

export interface ApiDryRunResult extends DryRunResult {
  /** HTTP status: 201 when allowed; 422 Invalid, 400 BadRequest (strict decoding), ... */
  code: number;
  /** Status.reason, e.g. "Invalid", "BadRequest" ("" when allowed). */
  reason: string;
  /** Status.message, e.g. `BackendTLSPolicy.gateway.networking.k8s.io "x" is invalid: [E1, E2]`. */
  message: string;
  /** The full response body (a Status, or the object when allowed). */
  status: unknown;
}

/**
 * POST the object (create) with ?dryRun=All&fieldValidation=Strict, what
 * `kubectl apply` sends for a new object. errors = details.causes as
 * `field + ": " + message` (a cause without field gives just its message); a
 * Status without causes (the 400 strict-decoding error, a webhook denial
 * without details) gives its message as the one error.
 */
export async function apiDryRun(obj: object, opts: { namespace?: string } = {}): Promise<ApiDryRunResult> {
  const object = obj as K8sObject;
  if (!object.apiVersion || !object.kind) throw new Error('apiDryRun: object needs apiVersion and kind');
  const { base, plural, namespaced } = await resourceFor(object.apiVersion, object.kind);
  const ns = object.metadata?.namespace ?? opts.namespace ?? 'default';
  const path = `${base}${namespaced ? `/namespaces/${encodeURIComponent(ns)}` : ''}/${plural}?dryRun=All&fieldValidation=Strict`;
  const r = await apiRequest('POST', path, object);
  if (r.status >= 200 && r.status < 300) {
    return { allowed: true, errors: [], raw: r.body, code: r.status, reason: '', message: '', status: r.json };
  }
  const st = (r.json ?? {}) as { reason?: string; message?: string; details?: { causes?: { field?: string; message?: string; reason?: string }[] } };
  const causes = st.details?.causes ?? [];
  const errors = causes.length
    ? causes.map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : (c.message ?? '')))
    : [st.message ?? r.body];
  return { allowed: false, errors, raw: r.body, code: r.status, reason: st.reason ?? '', message: st.message ?? '', status: r.json };
}
