// Issue 5, part 5: the deploy manifests in manifests/ apply cleanly to a real kube-apiserver
// (`kubectl apply --dry-run=server`).
//
// A server dry run of `-k manifests/` creates nothing, so its namespaced objects would all fail with
// `namespaces "btls-system" not found` on a fresh cluster (the Namespace is only dry-run created). The
// test therefore applies manifests/base/namespace.yaml for real first, exactly as `kubectl apply -k` would
// (idempotent: `apply`, so a run where it already exists is fine), then dry-runs everything.
// The placeholder caBundle of manifests/base/webhooks.yaml is replaced with a real one rendered by
// `btls certs --service btls --namespace btls-system --render-webhooks`, which is dry-run applied as well.
// manifests/cert-manager/ needs cert-manager's CRDs, which this cluster does not have: its kustomization
// must build, and every object of it that is not a cert-manager.io kind must dry-run apply.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { clusterUp, kubectl, repoRoot } from './lib/cluster.js';
import { btls } from './lib/btls.js';

const up = await clusterUp();
if (!up && process.env.BTLS_E2E_REQUIRED === '1') throw new Error('no e2e cluster: run test/e2e/cluster.sh up');
const d = up ? describe : describe.skip;

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; [k: string]: unknown };
const manifests = join(repoRoot, 'manifests');

/** `kind/name created (server dry run)` etc.: every line of a clean dry run ends like that. */
function expectClean(r: { code: number; stdout: string; stderr: string }, count?: number) {
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  const lines = r.stdout.trim().split('\n').filter(Boolean);
  for (const l of lines) expect(l).toMatch(/ (created|configured|unchanged) \(server dry run\)$/);
  if (count !== undefined) expect(lines).toHaveLength(count);
}

d('deploy manifests apply to kube-apiserver', () => {
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'btls-manifests-'));
    const ns = await kubectl(['apply', '-f', join(manifests, 'base', 'namespace.yaml')]);
    if (ns.code !== 0) throw new Error(`applying manifests/base/namespace.yaml failed: ${ns.stderr}`);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('kubectl apply --dry-run=server -k manifests/ applies every object cleanly (no error, no warning)', async () => {
    const built = await kubectl(['kustomize', manifests]);
    expect(built.code).toBe(0);
    const objects = (loadAll(built.stdout) as Obj[]).filter(Boolean);
    expect(objects.map((o) => o.kind).sort()).toEqual(
      expect.arrayContaining(['Deployment', 'MutatingWebhookConfiguration', 'Namespace', 'Service', 'ServiceAccount', 'ValidatingWebhookConfiguration']),
    );
    const r = await kubectl(['apply', '--dry-run=server', '-k', manifests]);
    expectClean(r, objects.length);
  });

  test('every other YAML file at the top of manifests/ (status writer, its RBAC) dry-run applies', async () => {
    const files = readdirSync(manifests).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml').sort();
    expect(files.length).toBeGreaterThan(0);
    const args = files.flatMap((f) => ['-f', join(manifests, f)]);
    const r = await kubectl(['apply', '--dry-run=server', ...args]);
    expectClean(r);
  });

  test('the webhook configurations with a caBundle rendered by btls certs --render-webhooks apply', async () => {
    const out = join(dir, 'webhooks.yaml');
    const c = await btls(['certs', '--service', 'btls', '--namespace', 'btls-system', '--out', dir, '--render-webhooks', out]);
    expect(c.code).toBe(0);
    const bundle = readFileSync(join(dir, 'ca-bundle.b64'), 'utf8').trim();
    const rendered = (loadAll(readFileSync(out, 'utf8')) as Obj[]).filter(Boolean);
    expect(rendered.map((o) => o.kind).sort()).toEqual(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);
    for (const o of rendered) {
      for (const w of o.webhooks as { clientConfig: { caBundle: string; service: { name: string; namespace: string } } }[]) {
        expect(w.clientConfig.caBundle).toBe(bundle);
        expect(Buffer.from(bundle, 'base64').toString('utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
        expect(w.clientConfig.service).toMatchObject({ name: 'btls', namespace: 'btls-system' });
      }
    }
    expectClean(await kubectl(['apply', '--dry-run=server', '-f', out]), 2);
  });

  test('manifests/cert-manager builds; its non-cert-manager objects apply (cert-manager CRDs are not installed here)', async () => {
    const built = await kubectl(['kustomize', join(manifests, 'cert-manager')]);
    expect(built.code).toBe(0);
    const objects = (loadAll(built.stdout) as Obj[]).filter(Boolean);
    const cm = objects.filter((o) => o.apiVersion.startsWith('cert-manager.io/'));
    expect(cm.map((o) => o.kind).sort()).toEqual(['Certificate', 'Certificate', 'Issuer', 'Issuer']);
    for (const o of objects.filter((x) => /WebhookConfiguration$/.test(x.kind))) {
      expect(o.metadata.annotations?.['cert-manager.io/inject-ca-from']).toBe('btls-system/btls-serving');
      for (const w of o.webhooks as { clientConfig: Record<string, unknown> }[]) expect(w.clientConfig.caBundle).toBeUndefined();
    }
    const rest = objects.filter((o) => !o.apiVersion.startsWith('cert-manager.io/'));
    const r = await kubectl(['apply', '--dry-run=server', '-f', '-'], { stdin: rest.map((o) => dump(o)).join('---\n') });
    expectClean(r, rest.length);
  });
});
