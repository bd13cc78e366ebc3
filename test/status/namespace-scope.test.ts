import { listNamespace, watchedKinds } from '../../src/status/controller/kinds.js';
import type { KubeObject } from '../../src/rules/types.js';
import { CONTROLLER, makeCaPem, resolveObjects } from './helpers.js';
import { caMap, gateway, ourClass, policy, referenceGrant, route, service } from './builders.js';

// `btls controller --namespace app` and `btls status --cluster -n app` read each kind in listNamespace(kind, 'app').
// What such a read returns must still hold every Gateway and Route that reaches app's Services, wherever
// they live: otherwise the writer deletes correct ancestor entries (and status --cluster says "differs").
describe('a writer scoped to one namespace', () => {
  const kinds = watchedKinds(true);
  /** the objects a read scoped to `ns` returns, as the informers and readCluster list them */
  const scopedRead = (objects: KubeObject[], ns: string) =>
    objects.filter((o) => {
      const k = kinds.find((x) => x.kind === o.kind);
      if (!k) return false;
      const listed = listNamespace(k, ns);
      return listed === undefined || (o.metadata?.namespace ?? 'default') === listed;
    });

  const world: KubeObject[] = [
    ourClass,
    gateway('gw1', 'infra'),
    service('svc', 'app'),
    caMap('ca', makeCaPem(), 'app'),
    // app/r1 -> infra/gw1#http, and infra/r2 -> app/svc (allowed by a ReferenceGrant in app)
    route('HTTPRoute', 'r1', 'app', [{ name: 'gw1', namespace: 'infra', sectionName: 'http' }], [{ name: 'svc' }]),
    route('HTTPRoute', 'r2', 'infra', [{ name: 'gw1' }], [{ name: 'svc', namespace: 'app' }]),
    referenceGrant('app', 'infra'),
    policy('p1', 'app', { name: 'svc' }),
    // another namespace's policy is not ours to manage under --namespace app
    service('svc', 'other'),
    caMap('ca', makeCaPem(), 'other'),
    policy('p2', 'other', { name: 'svc' }),
  ];
  const ancestorsOf = (objects: KubeObject[]) =>
    resolveObjects(objects).map((r) => ({
      policy: `${r.namespace}/${r.name}`,
      ancestors: r.status.ancestors.filter((a) => a.controllerName === CONTROLLER).map((a) => `${a.ancestorRef.namespace}/${a.ancestorRef.name}#${a.ancestorRef.sectionName ?? ''}`),
    }));

  it('computes for the scoped policies exactly what a cluster-wide writer computes for them', () => {
    const whole = ancestorsOf(world).filter((r) => r.policy.startsWith('app/'));
    expect(whole).toEqual([{ policy: 'app/p1', ancestors: ['infra/gw1#', 'infra/gw1#http'] }]);
    expect(ancestorsOf(scopedRead(world, 'app'))).toEqual(whole);
  });

  it('reads only the scoped namespace for policies and what they name', () => {
    const read = scopedRead(world, 'app');
    expect(read.filter((o) => o.kind === 'BackendTLSPolicy').map((o) => o.metadata?.namespace)).toEqual(['app']);
    expect(read.filter((o) => o.kind === 'Service' || o.kind === 'ConfigMap').every((o) => o.metadata?.namespace === 'app')).toBe(true);
  });
});
