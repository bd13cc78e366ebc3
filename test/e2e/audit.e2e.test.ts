// Cluster audit through the kubectl plugin: `kubectl btls check` and `kubectl btls status` read the objects
// already stored in a real kube-apiserver, with kubectl's flags.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterUp, freshNamespace, kubectl, kubeconfigPath, kubectlPath, repoRoot, type ExecResult } from './lib/cluster.js';

const up = await clusterUp();
if (!up && process.env.BTLS_E2E_REQUIRED === '1') throw new Error('no e2e cluster: run test/e2e/cluster.sh up');
const d = up ? describe : describe.skip;

/** kubectl with bin/ on PATH, so that it finds the kubectl-btls plugin as a user's kubectl would. */
function kubectlPlugin(args: string[]): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, KUBECONFIG: kubeconfigPath, PATH: `${join(repoRoot, 'bin')}:${process.env.PATH}` };
    const child = spawn(kubectlPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}

const policy = (name: string, hostname: string) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'BackendTLSPolicy',
  metadata: { name },
  spec: {
    targetRefs: [{ group: '', kind: 'Service', name: 'backend' }],
    validation: { hostname, caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'backend-ca' }] },
  },
});

d('cluster audit with kubectl btls', () => {
  let ns = '';
  beforeAll(async () => {
    ns = await freshNamespace('audit');
    // the CRD admits an IP address as hostname; the default rule set does not (there is no webhook here)
    for (const p of [policy('ip-hostname', '10.1.2.3'), policy('good', 'backend.example.com')]) {
      const r = await kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(p), namespace: ns });
      expect(r.stderr).toBe('');
    }
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'backend' }, spec: { ports: [{ name: 'https', port: 443 }] } };
    expect((await kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(svc), namespace: ns })).code).toBe(0);
  }, 60_000);

  it('kubectl btls check -n NS reports stored policies that break the rules, with live references, and exits 1', async () => {
    const r = await kubectlPlugin(['btls', 'check', '-n', ns, '-o', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { findings: Array<{ object: { name: string }; rule: string; field: string; severity: string; source: { file: string } }> };
    const got = out.findings.map((f) => `${f.object.name} ${f.severity} ${f.rule} ${f.field}`).sort();
    expect(got).toEqual([
      'good warn refs-ca-configmap-found spec.validation.caCertificateRefs[0].name',
      'ip-hostname deny hostname-not-ip spec.validation.hostname',
      'ip-hostname warn refs-ca-configmap-found spec.validation.caCertificateRefs[0].name',
    ]);
    expect(out.findings[0].source.file).toMatch(new RegExp(`^cluster:${ns}/`));
  }, 60_000);

  it('kubectl btls check -f FILE checks a file instead of the cluster', async () => {
    const r = await kubectlPlugin(['btls', 'check', '-f', join(repoRoot, 'test', 'fixtures', 'conformance', 'backendtlspolicy-san.yaml')]);
    expect(r.code).toBe(0);
  }, 60_000);

  // -n with -f: the namespace of the objects without one, and an error for an object of another, as kubectl apply
  it('kubectl btls check -f FILE -n NS puts namespace-less objects where kubectl apply would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'btls-audit-'));
    const file = join(dir, 'nons.yaml');
    writeFileSync(file, JSON.stringify(policy('nons', '10.9.9.9')));
    const applied = await kubectlPlugin(['apply', '--dry-run=server', '-o', 'jsonpath={.metadata.namespace}', `-n${ns}`, '-f', file]);
    const r = await kubectlPlugin(['btls', 'check', '-o', 'json', `-n${ns}`, '-f', file]);
    rmSync(dir, { recursive: true, force: true });
    expect(applied.stdout).toBe(ns);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { object: { namespace: string } }) => f.object.namespace)).toContain(applied.stdout);
  }, 60_000);

  it('kubectl btls check -f FILE -n NS refuses an object of another namespace with kubectl apply\'s words', async () => {
    const file = join(repoRoot, 'test', 'fixtures', 'conformance', 'backendtlspolicy-san.yaml');
    const applied = await kubectlPlugin(['apply', '--dry-run=client', '-n', ns, '-f', file]);
    expect(applied.code).not.toBe(0);
    const said = /the namespace from the provided object "[^"]+" does not match the namespace "[^"]+"\. You must pass '--namespace=[^']+' to perform this operation\./;
    const kubectlSays = said.exec(applied.stderr)?.[0];
    expect(kubectlSays).toBeDefined();
    const r = await kubectlPlugin(['btls', 'check', '-n', ns, '-f', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(kubectlSays);
  }, 60_000);

  it('kubectl btls status shows the computed status beside the stored one', async () => {
    const r = await kubectlPlugin(['btls', 'status', '--controller-name', 'example.com/audit', '-n', ns, '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { policies: Array<{ name: string; inSync: boolean; computed: { ancestors: unknown[] }; stored: unknown }> };
    expect(out.policies.map((p) => p.name).sort()).toEqual(['good', 'ip-hostname']);
    for (const p of out.policies) {
      // no Gateway of this controller reaches the Service: nothing to write, and nothing was stored
      expect(p.computed.ancestors).toEqual([]);
      expect(p.stored).toBeNull();
    }
  }, 60_000);

  it('says clearly when the kubeconfig names a context that does not exist', async () => {
    const r = await kubectlPlugin(['btls', 'check', '--context', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/context "nope" not found/);
  }, 60_000);
});
