// The status writer's optimistic concurrency against the real kube-apiserver: a write computed from a stale
// read gets a real 409, and the writer re-reads, recomputes and writes once more.
import { KubeConfig } from '@kubernetes/client-node';
import { Api } from '../../src/status/controller/http.js';
import { writeStatus } from '../../src/status/controller/write.js';
import type { BackendTLSPolicy } from '../../src/status/snapshot.js';
import { clusterUp, freshNamespace, kubeconfigPath, kubectl } from './lib/cluster.js';

const up = await clusterUp();
if (!up && process.env.BTLS_E2E_REQUIRED === '1') throw new Error('no e2e cluster: run test/e2e/cluster.sh up');
const d = up ? describe : describe.skip;

const controllerName = 'example.com/conflict-test';
const statusFor = (p: BackendTLSPolicy) => ({
  ancestors: [
    {
      ancestorRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: p.metadata.namespace!, name: 'gw' },
      controllerName,
      conditions: [
        { type: 'Accepted', status: 'True' as const, reason: 'Accepted', message: 'seen generation ' + p.metadata.generation, observedGeneration: p.metadata.generation ?? 1, lastTransitionTime: '2026-01-01T00:00:00Z' },
      ],
    },
  ],
});

d('status writes with optimistic concurrency', () => {
  let ns = '';
  let api: Api;
  beforeAll(async () => {
    ns = await freshNamespace('conflict');
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    api = new Api(kc);
    const policy = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'BackendTLSPolicy',
      metadata: { name: 'p', namespace: ns },
      spec: { targetRefs: [{ group: '', kind: 'Service', name: 'b' }], validation: { hostname: 'b.example.com', wellKnownCACertificates: 'System' } },
    };
    expect((await kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(policy) })).code).toBe(0);
  }, 60_000);

  it('retries a 409 from a stale read with the object it reads again, and writes once', async () => {
    const { POLICY_KIND } = await import('../../src/status/controller/kinds.js');
    const stale = (await api.get(POLICY_KIND, 'v1', ns, 'p')) as unknown as BackendTLSPolicy;
    // someone else changes the object after our read: our resourceVersion is now stale
    expect((await kubectl(['label', 'backendtlspolicy', 'p', 'touched=yes'], { namespace: ns })).code).toBe(0);
    let conflicts = 0;
    const computedFrom: string[] = [];
    const written = await writeStatus(api, 'v1', stale, {
      compute: (p) => {
        computedFrom.push(String(p.metadata.resourceVersion));
        return statusFor(p);
      },
      mayWrite: () => true,
      onConflict: () => conflicts++,
    });
    expect(written).toBe(true);
    expect(conflicts).toBe(1);
    expect(computedFrom).toHaveLength(2);
    expect(computedFrom[1]).not.toBe(computedFrom[0]);
    const stored = (await api.get(POLICY_KIND, 'v1', ns, 'p')) as unknown as BackendTLSPolicy;
    expect(stored.metadata.labels).toMatchObject({ touched: 'yes' });
    expect(stored.status?.ancestors?.[0]?.controllerName).toBe(controllerName);
  }, 60_000);

  it('does not write when the stored status already equals the computed one', async () => {
    const { POLICY_KIND } = await import('../../src/status/controller/kinds.js');
    const fresh = (await api.get(POLICY_KIND, 'v1', ns, 'p')) as unknown as BackendTLSPolicy;
    const written = await writeStatus(api, 'v1', fresh, { compute: statusFor, mayWrite: () => true, onConflict: () => {} });
    expect(written).toBe(false);
  }, 60_000);
});
