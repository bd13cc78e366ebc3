import { makeCaPem, resolveObjects, statusOf } from './helpers.js';
import { caMap, gateway, ourClass, policy, referenceGrant, route, service } from './builders.js';

// A Route in `infra` sends traffic to a Service in `apps`: that counts only when `apps` grants it.
describe('ancestors across namespaces', () => {
  const base = [ourClass, gateway('gw'), service('backend'), caMap('ca', makeCaPem()), policy('p', 'apps', { name: 'backend' })];
  const ancestorsWith = (...extra: ReturnType<typeof route>[]) =>
    statusOf(resolveObjects([...base, ...extra]), 'p', 'apps').ancestors.map((a) => `${a.ancestorRef.namespace}/${a.ancestorRef.name}`);

  it.each([
    ['no Gateway, because a cross-namespace backendRef without a ReferenceGrant does not count', [], []],
    ['the Gateway, because a ReferenceGrant in the Service namespace allows HTTPRoutes from infra', [referenceGrant('apps', 'infra')], ['infra/gw']],
    ['the Gateway, because a grant naming this Service allows it', [referenceGrant('apps', 'infra', 'HTTPRoute', 'backend')], ['infra/gw']],
    ['no Gateway, because the grant names another Service', [referenceGrant('apps', 'infra', 'HTTPRoute', 'other')], []],
    ['no Gateway, because the grant is for GRPCRoutes', [referenceGrant('apps', 'infra', 'GRPCRoute')], []],
    ['no Gateway, because the grant sits in the Route namespace, not the Service one', [referenceGrant('infra', 'infra')], []],
  ])('gives %s', (_, grants, want) => {
    expect(ancestorsWith(route('HTTPRoute', 'r', 'infra', [{ name: 'gw' }], [{ name: 'backend', namespace: 'apps' }]), ...grants)).toEqual(want);
  });

  it('defaults a backendRef namespace to the Route namespace (a Route in infra naming "backend" means infra/backend)', () => {
    expect(ancestorsWith(route('HTTPRoute', 'r', 'infra', [{ name: 'gw' }], [{ name: 'backend' }]))).toEqual([]);
  });

  it('defaults a parentRef namespace to the Route namespace, and needs no grant within one namespace', () => {
    const objects = [...base, gateway('gw', 'apps'), route('HTTPRoute', 'r', 'apps', [{ name: 'gw' }], [{ name: 'backend' }])];
    expect(statusOf(resolveObjects(objects), 'p', 'apps').ancestors.map((a) => `${a.ancestorRef.namespace}/${a.ancestorRef.name}`)).toEqual(['apps/gw']);
  });

  it.each(['GRPCRoute', 'TLSRoute'] as const)('follows %s backendRefs like HTTPRoute ones', (kind) => {
    expect(ancestorsWith(route(kind, 'r', 'infra', [{ name: 'gw' }], [{ name: 'backend', namespace: 'apps' }]), referenceGrant('apps', 'infra', kind))).toEqual(['infra/gw']);
  });

  it('ignores Gateways whose GatewayClass has another controllerName', () => {
    const objects = [...base, gateway('theirs', 'apps', 'other'), { kind: 'GatewayClass', metadata: { name: 'other' }, spec: { controllerName: 'x.io/y' } }, route('HTTPRoute', 'r', 'apps', [{ name: 'theirs' }], [{ name: 'backend' }])];
    expect(statusOf(resolveObjects(objects), 'p', 'apps')).toEqual({ ancestors: [] });
  });
});
