import { makeCaPem, resolveObjects, statusOf } from './helpers.js';
import { caMap, gateway, ourClass, policy, route, service } from './builders.js';

describe('sectionName', () => {
  const ca = caMap('ca', makeCaPem());

  it('copies the parentRef sectionName into the ancestorRef, one entry per distinct parentRef, in order', () => {
    const objects = [ourClass, gateway('gw', 'apps'), service('backend'), ca, policy('p', 'apps', { name: 'backend' }),
      route('HTTPRoute', 'r1', 'apps', [{ name: 'gw', sectionName: 'https' }, { name: 'gw' }], [{ name: 'backend' }]),
      route('HTTPRoute', 'r2', 'apps', [{ name: 'gw', sectionName: 'http' }, { name: 'gw' }], [{ name: 'backend' }])];
    const refs = statusOf(resolveObjects(objects), 'p', 'apps').ancestors.map((a) => a.ancestorRef);
    expect(refs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'apps', name: 'gw' },
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'apps', name: 'gw', sectionName: 'http' },
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'apps', name: 'gw', sectionName: 'https' },
    ]);
  });

  it.each([
    ['Accepted True, because the Service has a port named https', 'https', { status: 'True', reason: 'Accepted' }],
    ['Accepted False with Reason TargetNotFound, because the Service has no port named grpc', 'grpc', { status: 'False', reason: 'TargetNotFound' }],
  ])('a policy targeting a port by sectionName has %s', (_, sectionName, want) => {
    const objects = [ourClass, gateway('gw', 'apps'), service('backend'), ca, policy('p', 'apps', { name: 'backend', sectionName }), route('HTTPRoute', 'r', 'apps', [{ name: 'gw' }], [{ name: 'backend' }])];
    const c = statusOf(resolveObjects(objects), 'p', 'apps').ancestors[0]!.conditions.find((x) => x.type === 'Accepted')!;
    expect({ status: c.status, reason: c.reason }).toEqual(want);
  });

  it('a policy whose target Service does not exist (but a Route points at it) has Accepted False with Reason TargetNotFound', () => {
    const objects = [ourClass, gateway('gw', 'apps'), ca, policy('p', 'apps', { name: 'backend' }), route('HTTPRoute', 'r', 'apps', [{ name: 'gw' }], [{ name: 'backend' }])];
    const a = statusOf(resolveObjects(objects), 'p', 'apps').ancestors[0]!;
    expect(a.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([['Accepted', 'False', 'TargetNotFound'], ['ResolvedRefs', 'True', 'ResolvedRefs']]);
  });
});
