import { CONTROLLER, makeCaPem, resolveObjects, statusOf } from './helpers.js';
import { caMap, policy, service } from './builders.js';

// --ancestor-kind Service: the targeted Service is the ancestor; no Gateway or Route is needed.
describe('ancestor kind Service', () => {
  const ca = caMap('ca', makeCaPem());

  it('writes the targeted Service (with its sectionName) as the ancestor, Accepted True', () => {
    const status = statusOf(resolveObjects([service('backend'), ca, policy('p', 'apps', { name: 'backend', sectionName: 'https' })], { ancestorKind: 'Service' }), 'p', 'apps');
    expect(status.ancestors).toEqual([
      expect.objectContaining({ ancestorRef: { group: '', kind: 'Service', namespace: 'apps', name: 'backend', sectionName: 'https' }, controllerName: CONTROLLER }),
    ]);
    expect(status.ancestors[0]!.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([['Accepted', 'True', 'Accepted'], ['ResolvedRefs', 'True', 'ResolvedRefs']]);
  });

  it('writes a missing Service as the ancestor with Accepted False and Reason TargetNotFound', () => {
    const status = statusOf(resolveObjects([ca, policy('p', 'apps', { name: 'backend' })], { ancestorKind: 'Service' }), 'p', 'apps');
    expect(status.ancestors[0]!.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([['Accepted', 'False', 'TargetNotFound'], ['ResolvedRefs', 'True', 'ResolvedRefs']]);
  });
});
