import { configMap, loadFixture, makeCaPem, NOW, resolveObjects, statusOf } from './helpers.js';
import { statusEqual } from '../../src/status/equal.js';
import type { KubeObject } from '../../src/rules/types.js';

// lastTransitionTime moves only when a condition's status flips; an unchanged world needs no write.
describe('lastTransitionTime and "no write needed"', () => {
  const ca = makeCaPem();
  const later = new Date(NOW.getTime() + 3_600_000);
  const world = (caData: Record<string, string> | undefined, stored?: unknown): KubeObject[] =>
    [...loadFixture('base.yaml', 'backendtlspolicy.yaml'), configMap('tls-checks-ca-certificate', { 'ca.crt': ca }), ...(caData ? [configMap('reconcile-test-ca-certificate', caData)] : [])].map((o) =>
      stored && o.kind === 'BackendTLSPolicy' && o.metadata?.name === 'reconcile-test' ? { ...o, status: stored } : o,
    );
  const times = (s: { ancestors: { conditions: { type: string; lastTransitionTime: string }[] }[] }) => s.ancestors[0]!.conditions.map((c) => [c.type, c.lastTransitionTime]);

  it('an hour later with nothing changed, the status equals the stored one (zero writes) and keeps its times', () => {
    const first = statusOf(resolveObjects(world({ 'ca.crt': ca })), 'reconcile-test');
    const again = statusOf(resolveObjects(world({ 'ca.crt': ca }, JSON.parse(JSON.stringify(first))), { now: later }), 'reconcile-test');
    expect(statusEqual(again, first)).toBe(true);
    expect(times(again)).toEqual([['Accepted', '2026-06-01T12:00:00Z'], ['ResolvedRefs', '2026-06-01T12:00:00Z']]);
  });

  it('a flip to False moves both times to now; a message-only change would keep them', () => {
    const first = statusOf(resolveObjects(world({ 'ca.crt': ca })), 'reconcile-test');
    const flipped = statusOf(resolveObjects(world({ 'ca.crt': '' }, first), { now: later }), 'reconcile-test');
    expect(statusEqual(flipped, first)).toBe(false);
    expect(times(flipped)).toEqual([['Accepted', '2026-06-01T13:00:00Z'], ['ResolvedRefs', '2026-06-01T13:00:00Z']]);
    // missing key instead of empty: same statuses, different message; the times stay
    const other = statusOf(resolveObjects(world({}, flipped), { now: new Date(later.getTime() + 60_000) }), 'reconcile-test');
    expect(times(other)).toEqual(times(flipped));
    expect(statusEqual(other, flipped)).toBe(false);
  });

  it('writes times at second precision, as the API server stores them', () => {
    const s = statusOf(resolveObjects(world(undefined), { now: new Date('2026-06-01T12:00:00.987Z') }), 'reconcile-test');
    expect(times(s)[0]![1]).toBe('2026-06-01T12:00:00Z');
  });

  it('statusEqual ignores key order but not ancestor order', () => {
    const a = { ancestors: [{ ancestorRef: { name: 'x', namespace: 'n' }, controllerName: 'c', conditions: [] }, { ancestorRef: { name: 'y' }, controllerName: 'c', conditions: [] }] };
    const reordered = { ancestors: [{ conditions: [], controllerName: 'c', ancestorRef: { namespace: 'n', name: 'x' } }, a.ancestors[1]!] };
    expect(statusEqual(a, reordered)).toBe(true);
    expect(statusEqual(a, { ancestors: [a.ancestors[1]!, a.ancestors[0]!] })).toBe(false);
    expect(statusEqual(undefined, { ancestors: [] })).toBe(false);
  });
});
