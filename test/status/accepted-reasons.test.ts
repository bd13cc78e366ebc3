import { makeCaPem, resolveObjects, statusOf } from './helpers.js';
import { caMap, gateway, ourClass, policy, route, service } from './builders.js';

// The Accepted table of docs/status-semantics.md, one row per case, for wellKnownCACertificates
describe('wellKnownCACertificates', () => {
  const world = [ourClass, gateway('gw', 'apps'), service('backend'), caMap('ca', makeCaPem()), route('HTTPRoute', 'r', 'apps', [{ name: 'gw' }], [{ name: 'backend' }])];
  const conds = (validation: Record<string, unknown>, supportedWellKnown?: string[]) =>
    statusOf(resolveObjects([...world, policy('p', 'apps', { name: 'backend' }, validation)], supportedWellKnown ? { supportedWellKnown } : {}), 'p', 'apps').ancestors[0]!.conditions.map((c) => [c.type, c.status, c.reason]);

  it.each([
    ['valid because System is supported by default', { wellKnownCACertificates: 'System', hostname: 'h.example.com' }, undefined, [['Accepted', 'True', 'Accepted'], ['ResolvedRefs', 'True', 'ResolvedRefs']]],
    ['invalid because example.com/internal is not supported', { wellKnownCACertificates: 'example.com/internal', hostname: 'h.example.com' }, undefined, [['Accepted', 'False', 'Invalid'], ['ResolvedRefs', 'True', 'ResolvedRefs']]],
    ['valid because example.com/internal was configured as supported', { wellKnownCACertificates: 'example.com/internal', hostname: 'h.example.com' }, ['System', 'example.com/internal'], [['Accepted', 'True', 'Accepted'], ['ResolvedRefs', 'True', 'ResolvedRefs']]],
    ['invalid because System was configured away', { wellKnownCACertificates: 'System', hostname: 'h.example.com' }, [], [['Accepted', 'False', 'Invalid'], ['ResolvedRefs', 'True', 'ResolvedRefs']]],
  ])('%s', (_, validation, supported, want) => {
    expect(conds(validation, supported)).toEqual(want);
  });
});
