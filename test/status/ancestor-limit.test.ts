import { CONTROLLER, makeCaPem, resolveObjects } from './helpers.js';
import { caMap, gateway, ourClass, policy, route, service } from './builders.js';
import type { PolicyAncestorStatus } from '../../src/status/api-types.js';

// PolicyStatus.ancestors has MaxItems=16: when full, add nothing, never drop an existing entry, report the rest.
describe('the 16-entry limit', () => {
  const gws = (n: number) => Array.from({ length: n }, (_, i) => `gw-${String(i).padStart(2, '0')}`);
  const world = (n: number, stored?: unknown) => [
    ourClass, service('backend'), caMap('ca', makeCaPem()),
    ...gws(n).map((g) => gateway(g, 'apps')),
    route('HTTPRoute', 'r', 'apps', gws(n).map((name) => ({ name })), [{ name: 'backend' }]),
    policy('p', 'apps', { name: 'backend' }, undefined, stored ? { status: stored } : {}),
  ];
  const foreign = (name: string): PolicyAncestorStatus => ({
    ancestorRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'apps', name },
    controllerName: 'other.example.com/x',
    conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', lastTransitionTime: '2020-01-01T00:00:00Z', observedGeneration: 1 }],
  });

  it.each([
    ['16 Gateways fill the list and nothing overflows', 16, 0, 16, 0],
    ['17 Gateways write the first 16 (sorted) and report gw-16 as overflow', 17, 0, 16, 1],
    ['3 foreign entries leave room for 13 of ours; 5 of 18 overflow', 18, 3, 16, 5],
  ])('%s', (_, n, foreignCount, wantLen, wantOverflow) => {
    const stored = foreignCount ? { ancestors: Array.from({ length: foreignCount }, (_, i) => foreign(`theirs-${i}`)) } : undefined;
    const [r] = resolveObjects(world(n, stored));
    expect(r!.status.ancestors).toHaveLength(wantLen);
    expect(r!.overflow).toHaveLength(wantOverflow);
    expect(r!.status.ancestors.filter((a) => a.controllerName !== CONTROLLER)).toHaveLength(foreignCount);
    if (wantOverflow === 1) expect(r!.overflow[0]!.name).toBe('gw-16');
  });

  it('keeps an existing entry of ours when a new Gateway sorts before it and the list is full', () => {
    const [first] = resolveObjects(world(16).filter((o) => o.metadata?.name !== 'gw-00'));
    // gw-00 appears later: the list holds gw-01..gw-15 (15) so it fits; a 17th (gw-16) then cannot
    const [second] = resolveObjects(world(17, first!.status));
    const names = second!.status.ancestors.map((a) => a.ancestorRef.name);
    expect(names.slice(0, 15)).toEqual(gws(16).slice(1));
    expect(names[15]).toBe('gw-00');
    expect(second!.overflow.map((o) => o.name)).toEqual(['gw-16']);
  });
});
