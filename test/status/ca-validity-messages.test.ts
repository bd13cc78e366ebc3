import { CONTROLLER, NOW, makeCaPem, resolveObjects } from './helpers.js';
import { caMap, gateway, ourClass, policy, route, service } from './builders.js';

// A ref whose ca.crt holds no certificate valid now: the reason must be true of the whole bundle, and the
// message must say of each certificate why it is not valid (its own dates, never another certificate's).
describe('CA certificates that are not valid now', () => {
  const day = 86_400_000;
  const at = (d: number) => new Date(NOW.getTime() + d * day);
  const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
  const expired = { notBefore: at(-400), notAfter: at(-30) };
  const future = { notBefore: at(30), notAfter: at(400) };
  const future2 = { notBefore: at(60), notAfter: at(500) };
  const expired2 = { notBefore: at(-900), notAfter: at(-500) };

  const resolvedRefs = (bundles: Record<string, { notBefore: Date; notAfter: Date }[]>) => {
    const refs = Object.keys(bundles).map((name) => ({ group: '', kind: 'ConfigMap', name }));
    const [r] = resolveObjects([
      ourClass, gateway('gw', 'apps'), service('backend'), route('HTTPRoute', 'r', 'apps', [{ name: 'gw' }], [{ name: 'backend' }]),
      ...Object.entries(bundles).map(([name, certs]) => caMap(name, certs.map((c) => makeCaPem(c)).join(''))),
      policy('p', 'apps', { name: 'backend' }, { caCertificateRefs: refs, hostname: 'h.example.com' }),
    ]);
    const entry = r!.status.ancestors.find((a) => a.controllerName === CONTROLLER)!;
    return entry.conditions.find((c) => c.type === 'ResolvedRefs')!;
  };

  it.each([
    ['one expired and one not yet valid', [expired, future], 'ExpiredOrNotYetValidCACertificate', 'no certificate is valid now'],
    ['two expired', [expired2, expired], 'ExpiredCACertificate', 'every certificate has expired'],
    ['two not yet valid', [future, future2], 'NotYetValidCACertificate', 'no certificate is valid yet'],
  ])('%s: the reason fits the bundle, and each certificate is named with its own date', (_, certs, reason, summary) => {
    const c = resolvedRefs({ ca: certs });
    expect([c.status, c.reason]).toEqual(['False', reason]);
    const parts = certs.map((x, i) => `certificate ${i + 1} ${x.notAfter < NOW ? `expired on ${iso(x.notAfter)}` : `is valid from ${iso(x.notBefore)}`}`);
    expect(c.message).toContain(`ConfigMap "ca": ca.crt: ${summary}: ${parts.join(', ')}`);
    // an expired certificate's notBefore says nothing about when the bundle becomes valid
    for (const x of certs) if (x.notAfter < NOW) expect(c.message).not.toContain(iso(x.notBefore));
  });

  it('names every bad ref with its own cause', () => {
    const c = resolvedRefs({ old: [expired], next: [future], gap: [expired, future] });
    expect(c.reason).toBe('ExpiredCACertificate'); // the first failing ref's reason (status-semantics.md)
    expect(c.message).toContain(`ConfigMap "old": ca.crt: its only certificate expired on ${iso(expired.notAfter)}`);
    expect(c.message).toContain(`ConfigMap "next": ca.crt: its only certificate is valid from ${iso(future.notBefore)}`);
    expect(c.message).toContain(`ConfigMap "gap": ca.crt: no certificate is valid now`);
  });
});
