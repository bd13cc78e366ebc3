import { createResolver } from '../../src/status/resolve.js';
import { buildDependencyIndex } from '../../src/status/dependencies.js';
import { snapshotFromObjects } from '../../src/status/snapshot.js';
import { makeCaPem, options } from './helpers.js';
import { caMap, gateway, ourClass, policy, referenceGrant, route, service } from './builders.js';

// The index tells the controller (and the benchmark) which policies a change can affect.
describe('dependency index', () => {
  const pem = makeCaPem();
  const objects = [
    ourClass, gateway('gw', 'apps'), gateway('gw2', 'apps'),
    service('a'), service('b'), service('c'),
    caMap('ca-a', pem), caMap('ca-shared', pem),
    policy('pa', 'apps', { name: 'a' }, { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca-a' }, { group: '', kind: 'ConfigMap', name: 'ca-shared' }], hostname: 'a.example.com' }),
    policy('pb', 'apps', { name: 'b' }, { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca-shared' }], hostname: 'b.example.com' }),
    policy('pb2', 'apps', { name: 'b' }, { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca-missing' }], hostname: 'b.example.com' }),
    policy('pc', 'apps', { name: 'c' }, { wellKnownCACertificates: 'System', hostname: 'c.example.com' }),
    route('HTTPRoute', 'ra', 'apps', [{ name: 'gw' }], [{ name: 'a' }]),
    route('HTTPRoute', 'rb', 'apps', [{ name: 'gw2' }], [{ name: 'b' }]),
  ];
  const snapshot = snapshotFromObjects(objects);
  const r = createResolver(snapshot, options());
  const index = buildDependencyIndex(snapshot, r.ancestors, r.conflicts);
  const affected = (kind: Parameters<typeof index.affectedBy>[0]['kind'], name: string, spec?: unknown, namespace = 'apps') =>
    [...index.affectedBy({ kind, metadata: { name, namespace }, ...(spec ? { spec } : {}) })].sort();

  it.each([
    ['a ConfigMap used by one policy', 'ConfigMap', 'ca-a', undefined, ['apps/pa']],
    ['a ConfigMap shared by two policies', 'ConfigMap', 'ca-shared', undefined, ['apps/pa', 'apps/pb']],
    ['a ConfigMap named but not yet created', 'ConfigMap', 'ca-missing', undefined, ['apps/pb2']],
    ['a ConfigMap nobody uses', 'ConfigMap', 'unrelated', undefined, []],
    ['a Service two policies target (they also conflict)', 'Service', 'b', undefined, ['apps/pb', 'apps/pb2']],
    ['a Route, by what it pointed at', 'HTTPRoute', 'ra', undefined, ['apps/pa']],
    ['a new Route, by what it points at now', 'HTTPRoute', 'new', { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'c' }] }] }, ['apps/pc']],
    ['a Gateway', 'Gateway', 'gw2', undefined, ['apps/pb', 'apps/pb2']],
    ['a policy, with its conflict peers', 'BackendTLSPolicy', 'pb2', undefined, ['apps/pb', 'apps/pb2']],
  ] as const)('%s affects exactly its policies', (_, kind, name, spec, want) => {
    expect(affected(kind, name, spec)).toEqual(want);
  });

  it('a GatewayClass affects the policies behind its Gateways', () => {
    expect([...index.affectedBy({ kind: 'GatewayClass', metadata: { name: 'ours' } })].sort()).toEqual(['apps/pa', 'apps/pb', 'apps/pb2']);
  });

  it('a ReferenceGrant affects the policies of its namespace', () => {
    const g = referenceGrant('apps', 'infra');
    expect(affected('ReferenceGrant', g.metadata!.name!)).toEqual(['apps/pa', 'apps/pb', 'apps/pb2', 'apps/pc']);
  });
});
