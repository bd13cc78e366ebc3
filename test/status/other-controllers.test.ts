import { CONTROLLER, makeCaPem, resolveObjects } from './helpers.js';
import { caMap, gateway, ourClass, policy, route, service } from './builders.js';
import type { PolicyAncestorStatus } from '../../src/status/api-types.js';

describe("other controllers' entries and our stale ones", () => {
  const entry = (name: string, controllerName: string, reason = 'Accepted'): PolicyAncestorStatus => ({
    ancestorRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'apps', name },
    controllerName,
    conditions: [{ type: 'Accepted', status: 'True', reason, message: 'theirs', lastTransitionTime: '2020-01-01T00:00:00Z', observedGeneration: 7 }],
  });
  const world = (stored: unknown) => [
    ourClass, gateway('gw', 'apps'), service('backend'), caMap('ca', makeCaPem()),
    route('HTTPRoute', 'r', 'apps', [{ name: 'gw' }], [{ name: 'backend' }]),
    policy('p', 'apps', { name: 'backend' }, undefined, { status: stored }),
  ];

  it('keeps a foreign entry for the same Gateway untouched and in place, and adds ours after it', () => {
    const theirs = entry('gw', 'other.example.com/x', 'SomethingElse');
    const [r] = resolveObjects(world({ ancestors: [theirs] }));
    expect(r!.status.ancestors[0]).toEqual(theirs);
    expect(r!.status.ancestors.map((a) => a.controllerName)).toEqual(['other.example.com/x', CONTROLLER]);
  });

  it('drops our entry for a Gateway that no longer reaches the policy, and keeps foreign ones around it', () => {
    const stored = { ancestors: [entry('a', 'other.example.com/x'), entry('gone', CONTROLLER), entry('z', 'other.example.com/x')] };
    const [r] = resolveObjects(world(stored));
    expect(r!.status.ancestors.map((a) => `${a.controllerName}:${a.ancestorRef.name}`)).toEqual([
      'other.example.com/x:a', 'other.example.com/x:z', `${CONTROLLER}:gw`,
    ]);
  });

  it('updates our entry in place and keeps conditions of types we do not own', () => {
    const ours = entry('gw', CONTROLLER, 'Conflicted');
    ours.conditions.push({ type: 'example.com/Extra', status: 'True', reason: 'X', message: '', lastTransitionTime: '2020-01-01T00:00:00Z' });
    const stored = { ancestors: [ours, entry('zz', 'other.example.com/x')] };
    const [r] = resolveObjects(world(stored));
    expect(r!.status.ancestors[0]!.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Accepted', 'True', 'Accepted'], ['ResolvedRefs', 'True', 'ResolvedRefs'], ['example.com/Extra', 'True', 'X'],
    ]);
    expect(r!.status.ancestors[1]!.controllerName).toBe('other.example.com/x');
  });

  it('matches a stored ancestorRef without group/kind (API server defaults) to our Gateway entry', () => {
    const bare = { ...entry('gw', CONTROLLER), ancestorRef: { namespace: 'apps', name: 'gw' } };
    const [r] = resolveObjects(world({ ancestors: [bare] }));
    expect(r!.status.ancestors).toHaveLength(1);
  });
});
