// The live status writer against the harness's real kube-apiserver (no mocks):
//   test/e2e/cluster.sh up && node --experimental-vm-modules --no-warnings node_modules/jest/bin/jest.js \
//     -c test/e2e/jest.config.js test/e2e/status-writer.e2e.test.ts
// Two in-process replicas (A and B) share one Lease; each test waits on the API, never on a sleep alone.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import forge from 'node-forge';
import { pino } from 'pino';
import { startController, valueOf, type RunningController } from '../../src/status/controller/index.js';
import { Api } from '../../src/status/controller/http.js';
import { KindInformer } from '../../src/status/controller/informers.js';
import { defaultTiming } from '../../src/status/controller/config.js';
import { clusterUp, freshNamespace, kubeconfigPath, kubectl, repoRoot } from './lib/cluster.js';
import { btls, freePort, startServe } from './lib/btls.js';

const up = await clusterUp();
if (!up && process.env.BTLS_E2E_REQUIRED === '1') throw new Error('no e2e cluster: run test/e2e/cluster.sh up');
const d = up ? describe : describe.skip;

/** Every wait of this file, named (conformance's TimeoutConfig habit). */
const timeouts = {
  /** status written or changed after a change in the cluster */
  statusMs: 20_000,
  /** poll interval while waiting */
  pollMs: 200,
  /** lease hand-over after the leader stops */
  handoverMs: 15_000,
  /** longer than the apiserver's watch timeout in this harness (cluster.sh: --min-request-timeout=5, so 5-10 s) */
  watchDroppedMs: 11_000,
};
/** Short controller timings so that resyncs and lease renewals happen within the test. */
const timing = { resyncMs: 1_000, leaseDurationMs: 3_000, leaseRetryMs: 300, renewDeadlineMs: 2_000, informerBackoffMs: 200 };

function makeCaPem(): string {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 1024 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'btls e2e CA' }]);
  cert.setIssuer([{ name: 'commonName', value: 'btls e2e CA' }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

interface Cond {
  type: string;
  status: string;
  reason: string;
  observedGeneration?: number;
}
interface PolicyJson {
  metadata: { generation: number };
  status?: { ancestors?: { ancestorRef: { name: string; namespace?: string }; controllerName: string; conditions: Cond[] }[] };
}

async function apply(obj: object, namespace?: string): Promise<void> {
  const r = await kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(obj), ...(namespace ? { namespace } : {}) });
  if (r.code !== 0) throw new Error(`kubectl apply: ${r.stderr}`);
}

async function waitFor<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = timeouts.statusMs): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await get();
    if (ok(last)) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, timeouts.pollMs));
  }
}

function policyObject(name: string, hostname: string) {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'BackendTLSPolicy',
    metadata: { name },
    spec: { targetRefs: [{ group: '', kind: 'Service', name: 'backend', sectionName: 'https' }], validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca' }], hostname } },
  };
}

/** GatewayClass (ours) <- Gateway gw <- HTTPRoute r -> Service backend (port https) <- BackendTLSPolicy older -> ConfigMap ca */
async function setupWorld(ns: string, controllerName: string, gatewayClass: string, pem: string): Promise<void> {
  await apply({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: gatewayClass }, spec: { controllerName } });
  await apply({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw' }, spec: { gatewayClassName: gatewayClass, listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] } }, ns);
  await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'backend' }, spec: { ports: [{ name: 'https', port: 443, targetPort: 8443 }] } }, ns);
  await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ca' }, data: { 'ca.crt': pem } }, ns);
  await apply({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'backend', port: 443 }] }] } }, ns);
  await apply(policyObject('older', 'abc.example.com'), ns);
}

d('status writer against kube-apiserver', () => {
  const suffix = randomBytes(4).toString('hex');
  const controllerName = `btls.e2e.local/status-${suffix}`;
  const gatewayClass = `btls-status-${suffix}`;
  const lease = `btls-status-${suffix}`;
  let ns = '';
  let a: RunningController;
  let b: RunningController;
  const pem = makeCaPem();

  const getPolicy = async (name: string): Promise<PolicyJson> => {
    const r = await kubectl(['get', 'backendtlspolicy', name, '-o', 'json'], { namespace: ns });
    if (r.code !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as PolicyJson;
  };
  /** BackendTLSPolicyMustHaveCondition: every entry at the latest generation, and the Gateway's entry has the condition. */
  const has = (p: PolicyJson, want: Omit<Cond, 'observedGeneration'>) => {
    const ours = (p.status?.ancestors ?? []).filter((x) => x.controllerName === controllerName);
    if (ours.some((x) => x.conditions.some((c) => c.observedGeneration !== p.metadata.generation))) return false;
    const gw = ours.find((x) => x.ancestorRef.name === 'gw' && (x.ancestorRef.namespace ?? ns) === ns);
    return !!gw?.conditions.some((c) => c.type === want.type && c.status === want.status && c.reason === want.reason);
  };
  const mustHave = (name: string, ...wants: Omit<Cond, 'observedGeneration'>[]) =>
    waitFor(`${name} to have ${JSON.stringify(wants)}`, () => getPolicy(name), (p) => wants.every((w) => has(p, w)));
  const writes = async () => (await valueOf(a.metrics.writes)) + (await valueOf(b.metrics.writes));
  const accepted = { type: 'Accepted', status: 'True', reason: 'Accepted' };
  const resolved = { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs' };

  beforeAll(async () => {
    ns = await freshNamespace('status-writer');
    await setupWorld(ns, controllerName, gatewayClass, pem);

    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    const logger = pino({ level: 'warn' });
    const common = { kubeConfig: kc, controllerName, namespace: ns, timing, logger };
    a = startController({ ...common, leaderElection: { name: lease, namespace: ns, identity: 'replica-a' } });
    await waitFor('replica A to lead', async () => a.isLeader(), (v) => v, timeouts.handoverMs);
    b = startController({ ...common, leaderElection: { name: lease, namespace: ns, identity: 'replica-b' } });
    await Promise.all([a.synced, b.synced]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    if (up) await kubectl(['delete', 'gatewayclass', gatewayClass, '--wait=false']);
  });

  test('the policy has Accepted True/Accepted and ResolvedRefs True/ResolvedRefs on its Gateway ancestor', async () => {
    const p = await mustHave('older', accepted, resolved);
    const entry = p.status!.ancestors!.find((x) => x.controllerName === controllerName)!;
    expect(entry.ancestorRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: ns, name: 'gw' });
  });

  test('removing ca.crt flips to NoValidCACertificate/InvalidCACertificateRef, restoring it flips back', async () => {
    await mustHave('older', accepted, resolved);
    let r = await kubectl(['patch', 'configmap', 'ca', '--type=json', '-p', '[{"op":"remove","path":"/data/ca.crt"}]'], { namespace: ns });
    expect(r.code).toBe(0);
    await mustHave('older', { type: 'Accepted', status: 'False', reason: 'NoValidCACertificate' }, { type: 'ResolvedRefs', status: 'False', reason: 'InvalidCACertificateRef' });
    r = await kubectl(['patch', 'configmap', 'ca', '--type=merge', '-p', JSON.stringify({ data: { 'ca.crt': pem } })], { namespace: ns });
    expect(r.code).toBe(0);
    await mustHave('older', accepted, resolved);
  });

  test('after the apiserver has ended every watch, a ConfigMap change still reaches the writer', async () => {
    await mustHave('older', accepted, resolved);
    await new Promise((r) => setTimeout(r, timeouts.watchDroppedMs));
    let r = await kubectl(['patch', 'configmap', 'ca', '--type=json', '-p', '[{"op":"remove","path":"/data/ca.crt"}]'], { namespace: ns });
    expect(r.code).toBe(0);
    await mustHave('older', { type: 'ResolvedRefs', status: 'False', reason: 'InvalidCACertificateRef' });
    r = await kubectl(['patch', 'configmap', 'ca', '--type=merge', '-p', JSON.stringify({ data: { 'ca.crt': pem } })], { namespace: ns });
    expect(r.code).toBe(0);
    await mustHave('older', accepted, resolved);
  }, 60_000);

  test('a spec edit bumps observedGeneration on every entry', async () => {
    const before = await getPolicy('older');
    const r = await kubectl(['patch', 'backendtlspolicy', 'older', '--type=merge', '-p', '{"spec":{"validation":{"hostname":"foo.example.com"}}}'], { namespace: ns });
    expect(r.code).toBe(0);
    const after = await mustHave('older', accepted, resolved); // `has` checks observedGeneration == generation
    expect(after.metadata.generation).toBeGreaterThan(before.metadata.generation);
  });

  test('of two conflicting policies, the older stays Accepted and the newer is Conflicted', async () => {
    await new Promise((r) => setTimeout(r, 1_100)); // creationTimestamp has second precision: make "newer" really newer
    await apply(policyObject('a-newer', 'abc.example.com'), ns); // alphabetically first, but created later
    await mustHave('a-newer', { type: 'Accepted', status: 'False', reason: 'Conflicted' }, resolved);
    await mustHave('older', accepted, resolved);
  });

  test('a converged cluster sees zero writes, across several resyncs', async () => {
    await mustHave('a-newer', { type: 'Accepted', status: 'False', reason: 'Conflicted' });
    await mustHave('older', accepted, resolved);
    // let in-flight work finish: two resync periods with no new write
    let last = await writes();
    await waitFor('writes to settle', async () => { const w = await writes(); const settled = w === last; last = w; return settled; }, (s) => s, timeouts.statusMs)
      .catch(() => undefined);
    const start = await writes();
    const reconcilesBefore = (await valueOf(a.metrics.reconciles)) + (await valueOf(b.metrics.reconciles));
    await new Promise((r) => setTimeout(r, 3 * timing.resyncMs + 500));
    const reconcilesAfter = (await valueOf(a.metrics.reconciles)) + (await valueOf(b.metrics.reconciles));
    expect(reconcilesAfter).toBeGreaterThan(reconcilesBefore); // resyncs did run ...
    expect(await writes()).toBe(start); // ... and wrote nothing
  });

  test('only the leader writes; stopping it hands the Lease over and the other replica writes', async () => {
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    expect(await valueOf(b.metrics.writes)).toBe(0);
    expect(await valueOf(a.metrics.writes)).toBeGreaterThan(0);
    await a.stop(); // what SIGTERM does: release the Lease
    await waitFor('replica B to lead', async () => b.isLeader(), (v) => v, timeouts.handoverMs);
    const holder = await kubectl(['get', 'lease', lease, '-o', 'jsonpath={.spec.holderIdentity}'], { namespace: ns });
    expect(holder.stdout).toBe('replica-b');
    const r = await kubectl(['patch', 'configmap', 'ca', '--type=json', '-p', '[{"op":"replace","path":"/data/ca.crt","value":""}]'], { namespace: ns });
    expect(r.code).toBe(0);
    await mustHave('older', { type: 'Accepted', status: 'False', reason: 'NoValidCACertificate' }, { type: 'ResolvedRefs', status: 'False', reason: 'InvalidCACertificateRef' });
    expect(await valueOf(b.metrics.writes)).toBeGreaterThan(0);
  });
});

// manifests/rbac-status.yaml is enough: the writer runs as its ServiceAccount (a TokenRequest token), not as admin
d('status writer with the RBAC of manifests/rbac-status.yaml', () => {
  const suffix = randomBytes(4).toString('hex');
  const controllerName = `btls.e2e.local/rbac-${suffix}`;
  const gatewayClass = `btls-rbac-${suffix}`;
  let ns = '';
  let c: RunningController | undefined;

  afterAll(async () => {
    await c?.stop();
    await kubectl(['delete', 'gatewayclass', gatewayClass, '--wait=false']);
  });

  test('as system:serviceaccount:btls-system:btls-status-writer it writes Accepted True and holds its Lease', async () => {
    ns = await freshNamespace('status-rbac');
    await setupWorld(ns, controllerName, gatewayClass, makeCaPem());
    const nsr = await kubectl(['create', 'namespace', 'btls-system']);
    expect(nsr.code === 0 || /AlreadyExists/.test(nsr.stderr)).toBe(true);
    const rbac = await kubectl(['apply', '-f', join(repoRoot, 'manifests', 'rbac-status.yaml')]);
    expect(rbac.stderr).toBe('');
    const kc = await statusWriterKubeConfig();
    const lease = `btls-rbac-${suffix}`;
    c = startController({ kubeConfig: kc, controllerName, timing, logger: pino({ level: 'warn' }), leaderElection: { name: lease, namespace: 'btls-system' } });
    await c.synced;
    await waitFor('the policy status', async () => {
      const r = await kubectl(['get', 'backendtlspolicy', 'older', '-o', 'json'], { namespace: ns });
      return JSON.parse(r.stdout) as PolicyJson;
    }, (p) => !!p.status?.ancestors?.some((x) => x.controllerName === controllerName && x.conditions.some((k) => k.type === 'Accepted' && k.status === 'True' && k.reason === 'Accepted')));
    expect(await valueOf(c.metrics.errors)).toBe(0);
    const holder = await kubectl(['get', 'lease', lease, '--namespace', 'btls-system', '-o', 'jsonpath={.spec.holderIdentity}']);
    expect(holder.stdout).toBe(c.identity);
  });
});

// `--namespace NS` scopes the policies written, not the Gateways and Routes that reach them: a Gateway in another
// namespace, and a Route there pointing at NS's Service (with a ReferenceGrant in NS), are ancestors all the same.
d('a writer scoped with --namespace', () => {
  const suffix = randomBytes(4).toString('hex');
  const controllerName = `btls.e2e.local/scoped-${suffix}`;
  const gatewayClass = `btls-scoped-${suffix}`;
  let ns = '';
  let infra = '';
  let c: RunningController | undefined;
  const built = existsSync(join(repoRoot, 'dist', 'cli', 'main.js'));

  beforeAll(async () => {
    ns = await freshNamespace('status-app');
    infra = await freshNamespace('status-infra');
    await setupWorld(ns, controllerName, gatewayClass, makeCaPem());
    await apply({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw1' }, spec: { gatewayClassName: gatewayClass, listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] } }, infra);
    await apply({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r1' }, spec: { parentRefs: [{ name: 'gw1', namespace: infra, sectionName: 'http' }], rules: [{ backendRefs: [{ name: 'backend', port: 443 }] }] } }, ns);
    await apply({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r2' }, spec: { parentRefs: [{ name: 'gw1' }], rules: [{ backendRefs: [{ name: 'backend', namespace: ns, port: 443 }] }] } }, infra);
    await apply({ apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name: 'from-infra' }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: infra }], to: [{ group: '', kind: 'Service' }] } }, ns);
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    c = startController({ kubeConfig: kc, controllerName, namespace: ns, timing, logger: pino({ level: 'warn' }) });
    await c.synced;
  });

  afterAll(async () => {
    await c?.stop();
    if (up) await kubectl(['delete', 'gatewayclass', gatewayClass, '--wait=false']);
  });

  const refsOf = async () => {
    const r = await kubectl(['get', 'backendtlspolicy', 'older', '-o', 'json'], { namespace: ns });
    const p = JSON.parse(r.stdout) as PolicyJson;
    return (p.status?.ancestors ?? []).filter((x) => x.controllerName === controllerName).map((x) => {
      const ref = x.ancestorRef as { namespace?: string; name: string; sectionName?: string };
      return `${ref.namespace}/${ref.name}#${ref.sectionName ?? ''}`;
    }).sort();
  };

  test('writes the Gateways of other namespaces as ancestors, including those reached by their own Routes', async () => {
    const want = [`${infra}/gw1#`, `${infra}/gw1#http`, `${ns}/gw#`].sort();
    await waitFor('the ancestors of every reaching Gateway', refsOf, (refs) => JSON.stringify(refs) === JSON.stringify(want));
    // and keeps them across resyncs (the defect removed them again)
    const reconciles = await valueOf(c!.metrics.reconciles);
    await waitFor('a resync', () => valueOf(c!.metrics.reconciles), (n) => n > reconciles + 1);
    expect(await refsOf()).toEqual(want);
  });

  (built ? test : test.skip)('btls status --cluster -n NS agrees with the scoped writer (needs npm run build)', async () => {
    await waitFor('the ancestors', refsOf, (refs) => refs.length === 3);
    const r = await btls(['status', '--controller-name', controllerName, '--cluster', '--kubeconfig', kubeconfigPath, '-n', ns, '-o', 'json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { policies: Array<{ name: string; inSync: boolean }> };
    expect(out.policies.map((p) => [p.name, p.inSync])).toEqual([['older', true]]);
  });
});

// `btls serve --status-writer`: the webhook's process also writes status, holds the Lease, and hands it back on SIGTERM.
d('btls serve --status-writer', () => {
  const suffix = randomBytes(4).toString('hex');
  const controllerName = `btls.e2e.local/serve-${suffix}`;
  const gatewayClass = `btls-serve-${suffix}`;
  const lease = `btls-serve-${suffix}`;
  const built = existsSync(join(repoRoot, 'dist', 'cli', 'main.js'));

  afterAll(async () => {
    if (up) await kubectl(['delete', 'gatewayclass', gatewayClass, '--wait=false']);
  });

  (built ? test : test.skip)('writes the status beside the webhook and releases its Lease on SIGTERM (needs npm run build)', async () => {
    const ns = await freshNamespace('status-serve');
    await setupWorld(ns, controllerName, gatewayClass, makeCaPem());
    const served = await startServe(['--port', String(await freePort()), '--log-level', 'warn', '--status-writer', '--controller-name', controllerName,
      '--kubeconfig', kubeconfigPath, '--namespace', ns, '--leader-elect', '--lease-name', lease, '--lease-namespace', ns]);
    try {
      await waitFor('the policy status', async () => {
        const r = await kubectl(['get', 'backendtlspolicy', 'older', '-o', 'json'], { namespace: ns });
        return JSON.parse(r.stdout) as PolicyJson;
      }, (p) => !!p.status?.ancestors?.some((x) => x.controllerName === controllerName && x.conditions.some((k) => k.type === 'Accepted' && k.status === 'True')));
      const holderOf = async () => (await kubectl(['get', 'lease', lease, '-o', 'jsonpath={.spec.holderIdentity}'], { namespace: ns })).stdout;
      expect(await holderOf()).not.toBe('');
      await served.stop(); // SIGTERM (SIGKILL only after 5 s)
      expect(served.child.exitCode).toBe(0);
      expect(await holderOf()).toBe('');
    } finally {
      await served.stop();
    }
  }, 60_000);
});

// More reaching Gateways than status.ancestors holds (16): the writer, with only the RBAC of manifests/rbac-status.yaml,
// sends a Warning Event (PolicyAncestorsFull) on each Gateway left out and on the policy, and only once.
d('a policy with more than 16 ancestors', () => {
  const suffix = randomBytes(4).toString('hex');
  const controllerName = `btls.e2e.local/full-${suffix}`;
  const gatewayClass = `btls-full-${suffix}`;
  let c: RunningController | undefined;

  afterAll(async () => {
    await c?.stop();
    if (up) await kubectl(['delete', 'gatewayclass', gatewayClass, '--wait=false']);
  });

  test('gets Events on the Gateways left out and on itself, without repeating them at resyncs', async () => {
    const ns = await freshNamespace('status-full');
    const edge = await freshNamespace('status-edge');
    await setupWorld(ns, controllerName, gatewayClass, makeCaPem());
    const names = Array.from({ length: 17 }, (_, i) => `gw-${String(i).padStart(2, '0')}`);
    const gw = (name: string, namespace: string) => apply({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name }, spec: { gatewayClassName: gatewayClass, listeners: [{ name: 'https', port: 443, protocol: 'HTTPS' }] } }, namespace);
    for (const n of names) await gw(n, ns);
    await gw('gw-edge', edge);
    // with setupWorld's gw, 18 Gateways in ns and gw-edge#https in edge: 19 ancestors, 16 written, 3 left out
    await apply({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'many' }, spec: {
      parentRefs: [...names.map((name) => ({ name })), { name: 'gw-edge', namespace: edge, sectionName: 'https' }], rules: [{ backendRefs: [{ name: 'backend', port: 443 }] }] } }, ns);

    await kubectl(['create', 'namespace', 'btls-system']); // AlreadyExists when another test made it
    expect((await kubectl(['apply', '-f', join(repoRoot, 'manifests', 'rbac-status.yaml')])).code).toBe(0);
    const kc = await statusWriterKubeConfig();
    c = startController({ kubeConfig: kc, controllerName, timing, logger: pino({ level: 'silent' }) });
    await c.synced;

    const p = await waitFor('16 entries', async () => {
      const r = await kubectl(['get', 'backendtlspolicy', 'older', '-o', 'json'], { namespace: ns });
      return JSON.parse(r.stdout) as PolicyJson;
    }, (x) => (x.status?.ancestors ?? []).length === 16);
    const written = new Set(p.status!.ancestors!.map((a) => `${a.ancestorRef.namespace}/${a.ancestorRef.name}`));
    const left = [`${edge}/gw-edge`, `${ns}/gw`, ...names.map((n) => `${ns}/${n}`)].filter((k) => !written.has(k));
    expect(left).toHaveLength(3);

    type Ev = { reason: string; type: string; regarding: { kind: string; namespace: string; name: string } };
    const events = async () => {
      const all: Ev[] = [];
      for (const n of [ns, edge]) {
        const r = await kubectl(['get', 'events.events.k8s.io', '-o', 'json'], { namespace: n });
        all.push(...(JSON.parse(r.stdout) as { items: Ev[] }).items.filter((e) => e.reason === 'PolicyAncestorsFull'));
      }
      return all.map((e) => `${e.type} ${e.regarding.kind} ${e.regarding.namespace}/${e.regarding.name}`).sort();
    };
    const want = [`Warning BackendTLSPolicy ${ns}/older`, ...left.map((k) => `Warning Gateway ${k}`)].sort();
    await waitFor('the events', events, (e) => JSON.stringify(e) === JSON.stringify(want));
    const reconciles = await valueOf(c.metrics.reconciles);
    await waitFor('three more resyncs', () => valueOf(c!.metrics.reconciles), (n) => n >= reconciles + 3);
    expect(await events()).toEqual(want);
    expect(await valueOf(c.metrics.errors)).toBe(0);
  }, 60_000);
});

// `btls controller` as a real process, killed with SIGKILL (no chance to release its Lease): the other
// replica must take over once the Lease has not been renewed for its leaseDurationSeconds (15 s by default).
d('a crashed leader', () => {
  const suffix = randomBytes(4).toString('hex');
  const controllerName = `btls.e2e.local/crash-${suffix}`;
  const lease = `btls-crash-${suffix}`;
  let ns = '';
  let c: RunningController | undefined;
  const built = existsSync(join(repoRoot, 'dist', 'cli', 'main.js'));

  afterAll(async () => {
    await c?.stop();
  });

  (built ? test : test.skip)('is replaced after the lease duration by the waiting replica (needs npm run build)', async () => {
    ns = await freshNamespace('status-crash');
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'btls'), 'controller', '--controller-name', controllerName, '--kubeconfig', kubeconfigPath,
      '--namespace', ns, '--leader-elect', '--lease-name', lease, '--lease-namespace', ns, '--metrics-port', '0'], { stdio: 'ignore' });
    try {
      const holderOf = async () => (await kubectl(['get', 'lease', lease, '-o', 'jsonpath={.spec.holderIdentity}'], { namespace: ns })).stdout;
      const first = await waitFor('the process to take the Lease', holderOf, (h) => h !== '', timeouts.handoverMs);
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfigPath);
      c = startController({ kubeConfig: kc, controllerName, namespace: ns, timing, logger: pino({ level: 'warn' }), leaderElection: { name: lease, namespace: ns, identity: 'survivor' } });
      await c.synced;
      expect(c.isLeader()).toBe(false);
      child.kill('SIGKILL');
      expect(first).not.toBe('survivor');
      await waitFor('the survivor to lead', async () => c!.isLeader(), (v) => v, 15_000 + timeouts.handoverMs);
      expect(await holderOf()).toBe('survivor');
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});

// A kind whose CRD is not installed (TLSRoute in some channels) must count as synced and empty, not block.
d('a kind whose CRD is absent', () => {
  test('is reported absent, counts as synced with an empty cache, and is looked for again later', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    let synced = 0;
    let errors = 0;
    const inf = new KindInformer(
      { kind: 'NoSuchRoute', group: 'example.btls.dev', versions: ['v1', 'v1alpha1'], plural: 'nosuchroutes', namespaced: true, optional: true },
      kc, new Api(kc), undefined, { ...defaultTiming, absentKindRetryMs: 60_000 }, pino({ level: 'silent' }),
      () => {}, () => synced++, () => errors++,
    );
    try {
      await inf.start();
      expect({ synced, errors, absent: inf.absent, items: inf.list().length }).toEqual({ synced: 1, errors: 0, absent: true, items: 0 });
    } finally {
      await inf.stop();
    }
  });
});

/** A kubeconfig that acts as the btls-status-writer ServiceAccount (manifests/rbac-status.yaml), not as admin. */
async function statusWriterKubeConfig(): Promise<KubeConfig> {
  const token = await kubectl(['create', 'token', 'btls-status-writer', '--namespace', 'btls-system', '--duration', '10m']);
  expect(token.code).toBe(0);
  const admin = new KubeConfig();
  admin.loadFromFile(kubeconfigPath);
  const cluster = admin.getCurrentCluster()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'writer', token: token.stdout.trim() }],
    contexts: [{ name: 'writer', cluster: cluster.name, user: 'writer' }],
    currentContext: 'writer',
  });
  return kc;
}
