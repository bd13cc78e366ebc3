import type { KubeObject } from '../../src/rules/types.js';
import { buildConflictIndex } from '../../src/status/conflicts.js';
import { mergeStatus } from '../../src/status/merge.js';
import type { Condition, PolicyAncestorStatus } from '../../src/status/api-types.js';
import type { BackendTLSPolicy } from '../../src/status/snapshot.js';
import { resolveStatus } from '../../src/status/resolve.js';
import { snapshotFromObjects } from '../../src/status/snapshot.js';
import { CONTROLLER, NOW, makeCaPem, options, resolveObjects, statusOf } from './helpers.js';
import { caMap, gateway, ourClass, policy, route, service } from './builders.js';

// Details of resolveStatus that a mutation run found no test holding: each case varies one thing of a small world.

const world = (...extra: KubeObject[]): KubeObject[] => [ourClass, gateway('gw', 'apps'), route('HTTPRoute', 'r', 'apps', [{ name: 'gw' }], [{ name: 'backend' }, { name: 'other' }]), service('backend'), caMap('ca', makeCaPem()), ...extra];
const conditionsOf = (objects: KubeObject[], name = 'p', ns = 'apps'): Condition[] => statusOf(resolveObjects(objects), name, ns).ancestors[0]!.conditions;
const accepted = (objects: KubeObject[], name = 'p') => conditionsOf(objects, name).find((c) => c.type === 'Accepted')!;
const resolvedRefs = (objects: KubeObject[], name = 'p') => conditionsOf(objects, name).find((c) => c.type === 'ResolvedRefs')!;

function withTargets(p: KubeObject, targetRefs: unknown[]): KubeObject {
  return { ...p, spec: { ...(p.spec as object), targetRefs } };
}

describe('targets', () => {
  it('takes a targetRef without group as the core Service it names', () => {
    const p = withTargets(policy('p', 'apps', { name: 'backend' }), [{ kind: 'Service', name: 'backend' }]);
    expect(accepted(world(p))).toMatchObject({ status: 'True', reason: 'Accepted' });
  });

  it('names the missing port in the TargetNotFound message', () => {
    expect(accepted(world(policy('p', 'apps', { name: 'backend', sectionName: 'grpc' })))).toMatchObject({
      status: 'False',
      reason: 'TargetNotFound',
      message: 'Service apps/backend port "grpc" not found: the Service has no port of that name',
    });
  });

  it('is not accepted on a Gateway when any of its targets there is missing, whichever comes first', () => {
    const p = withTargets(policy('p', 'apps', { name: 'backend' }), [
      { group: '', kind: 'Service', name: 'backend' },
      { group: '', kind: 'Service', name: 'other' },
    ]);
    expect(accepted(world(p))).toMatchObject({ status: 'False', reason: 'TargetNotFound', message: 'Service apps/other not found' });
  });

  it('reports TargetNotFound before Conflicted when both apply on one Gateway', () => {
    const older = policy('a-older', 'apps', { name: 'backend' }, undefined, { creationTimestamp: '2026-01-01T00:00:00Z' });
    const p = withTargets(policy('p', 'apps', { name: 'backend' }, undefined, { creationTimestamp: '2026-02-01T00:00:00Z' }), [
      { group: '', kind: 'Service', name: 'backend' },
      { group: '', kind: 'Service', name: 'other' },
    ]);
    expect(accepted(world(older, p))).toMatchObject({ status: 'False', reason: 'TargetNotFound' });
  });
});

describe('validation', () => {
  it('counts the caCertificateRefs that resolve', () => {
    const p = policy('p', 'apps', { name: 'backend' }, { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca' }, { group: '', kind: 'ConfigMap', name: 'ca2' }], hostname: 'h.example.com' });
    expect(resolvedRefs(world(caMap('ca2', makeCaPem()), p)).message).toBe('all 2 caCertificateRefs resolve to valid CA certificates');
  });

  it('is Invalid when neither caCertificateRefs nor wellKnownCACertificates is set', () => {
    const p = policy('p', 'apps', { name: 'backend' }, { hostname: 'h.example.com' });
    expect(accepted(world(p))).toMatchObject({ status: 'False', reason: 'Invalid', message: 'neither caCertificateRefs nor wellKnownCACertificates is set' });
  });

  it('says "none" when no well-known CA set is supported', () => {
    const p = policy('p', 'apps', { name: 'backend' }, { wellKnownCACertificates: 'System', hostname: 'h.example.com' });
    const c = statusOf(resolveObjects(world(p), { supportedWellKnown: [] }), 'p', 'apps').ancestors[0]!.conditions[0]!;
    expect(c.message).toBe('wellKnownCACertificates "System" is not supported (supported: none)');
  });
});

describe('order', () => {
  it('lists policies by namespace, then name, and resolves only those asked for', () => {
    const objects = [...world(), service('backend', 'b-ns'), service('backend', 'a-ns'), policy('z', 'a-ns', { name: 'backend' }), policy('y', 'b-ns', { name: 'backend' }), policy('x', 'a-ns', { name: 'backend' })];
    expect(resolveObjects(objects).map((r) => `${r.namespace}/${r.name}`)).toEqual(['a-ns/x', 'a-ns/z', 'b-ns/y']);
    expect(resolveStatus(snapshotFromObjects(objects), options(), new Set(['b-ns/y'])).map((r) => r.name)).toEqual(['y']);
  });

  it('lists a new policy\'s ancestors in a stable order, whatever the order of the Gateways', () => {
    const objects = [ourClass, gateway('gw-b', 'apps'), gateway('gw-a', 'apps'), service('backend'), caMap('ca', makeCaPem()), route('HTTPRoute', 'r', 'apps', [{ name: 'gw-b' }, { name: 'gw-a' }], [{ name: 'backend' }]), policy('p', 'apps', { name: 'backend' })];
    expect(statusOf(resolveObjects(objects), 'p', 'apps').ancestors.map((a) => a.ancestorRef.name)).toEqual(['gw-a', 'gw-b']);
    // two targets, each reached through its own Gateway: the later target's Gateway sorts first
    const two = withTargets(policy('p', 'apps', { name: 'backend' }), [
      { group: '', kind: 'Service', name: 'backend' },
      { group: '', kind: 'Service', name: 'other' },
    ]);
    const split = [ourClass, gateway('gw-b', 'apps'), gateway('gw-a', 'apps'), service('backend'), service('other'), caMap('ca', makeCaPem()), route('HTTPRoute', 'rb', 'apps', [{ name: 'gw-b' }], [{ name: 'backend' }]), route('HTTPRoute', 'ra', 'apps', [{ name: 'gw-a' }], [{ name: 'other' }]), two];
    expect(statusOf(resolveObjects(split), 'p', 'apps').ancestors.map((a) => a.ancestorRef.name)).toEqual(['gw-a', 'gw-b']);
  });
});

describe('merging with the stored status', () => {
  const cond = (type: string): Condition => ({ type, status: 'True', reason: type, message: '', lastTransitionTime: '2026-01-01T00:00:00Z' });
  const gw = { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'apps', name: 'gw' };
  const ours: PolicyAncestorStatus = { ancestorRef: gw, controllerName: CONTROLLER, conditions: [cond('Accepted'), cond('ResolvedRefs')] };

  it("keeps another controller's entry for the same ancestor and adds ours beside it", () => {
    const theirs: PolicyAncestorStatus = { ancestorRef: gw, controllerName: 'example.com/other', conditions: [cond('Accepted'), cond('example.com/Theirs')] };
    expect(mergeStatus({ ancestors: [theirs] }, [ours], CONTROLLER).status.ancestors).toEqual([theirs, ours]);
  });

  it('writes one entry per ancestor back when the stored list has ours twice', () => {
    expect(mergeStatus({ ancestors: [ours, ours] }, [ours], CONTROLLER).status.ancestors).toHaveLength(1);
  });

  it('matches a stored ref without group and kind (the API defaults) and keeps it as stored', () => {
    const stored = { ...ours, ancestorRef: { namespace: 'apps', name: 'gw' } };
    expect(mergeStatus({ ancestors: [stored] }, [ours], CONTROLLER).status.ancestors).toEqual([{ ...ours, ancestorRef: { namespace: 'apps', name: 'gw' } }]);
  });

  it('keeps foreign conditions on our entry after ours, up to the 8 an entry may hold', () => {
    const foreign = Array.from({ length: 10 }, (_, i) => cond(`example.com/Extra${i}`));
    const merged = mergeStatus({ ancestors: [{ ...ours, conditions: [...ours.conditions, ...foreign] }] }, [ours], CONTROLLER).status.ancestors[0]!.conditions;
    expect(merged.map((c) => c.type)).toEqual(['Accepted', 'ResolvedRefs', ...foreign.slice(0, 6).map((c) => c.type)]);
  });
});

describe('conflicts', () => {
  const p = (name: string, creationTimestamp?: string, targets = [{ group: '', kind: 'Service', name: 'backend' }]): BackendTLSPolicy =>
    ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'BackendTLSPolicy', metadata: { name, namespace: 'apps', ...(creationTimestamp ? { creationTimestamp } : {}) }, spec: { targetRefs: targets } }) as BackendTLSPolicy;
  const ref = { group: '', kind: 'Service', name: 'backend' };

  it('orders by name alone when any policy of the group has no creationTimestamp', () => {
    const index = buildConflictIndex([p('b', '2020-01-01T00:00:00Z'), p('a')]);
    expect(index.winnerOver(p('b', '2020-01-01T00:00:00Z'), ref)?.metadata.name).toBe('a');
  });

  it('takes an unparsable creationTimestamp as none', () => {
    const index = buildConflictIndex([p('b', '2020-01-01T00:00:00Z'), p('a', 'yesterday')]);
    expect(index.winnerOver(p('b', '2020-01-01T00:00:00Z'), ref)?.metadata.name).toBe('a');
  });

  it('counts a policy that names the same target twice as one peer', () => {
    const twice = p('a', undefined, [ref, ref]);
    expect(buildConflictIndex([twice, p('b')]).peers('apps', ref).map((x) => x.metadata.name)).toEqual(['a', 'b']);
  });
});

describe('CA certificate refs', () => {
  const refTo = (r: Record<string, unknown>) => policy('p', 'apps', { name: 'backend' }, { caCertificateRefs: [r], hostname: 'h.example.com' });
  const messageFor = (cm: KubeObject | undefined, r: Record<string, unknown> = { group: '', kind: 'ConfigMap', name: 'c' }) =>
    resolvedRefs([...world(), ...(cm ? [cm] : []), refTo(r)]).message;

  it('takes a certificate as valid at the very second it expires or starts', () => {
    expect(resolvedRefs([...world(), caMap('c', makeCaPem({ notAfter: NOW })), refTo({ group: '', kind: 'ConfigMap', name: 'c' })]).status).toBe('True');
    expect(resolvedRefs([...world(), caMap('c', makeCaPem({ notBefore: NOW })), refTo({ group: '', kind: 'ConfigMap', name: 'c' })]).status).toBe('True');
  });

  it('reads ca.crt from binaryData too', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'apps' }, binaryData: { 'ca.crt': Buffer.from(makeCaPem()).toString('base64') } };
    expect(resolvedRefs([...world(), cm, refTo({ group: '', kind: 'ConfigMap', name: 'c' })]).status).toBe('True');
  });

  it.each([
    ['a blank ca.crt is empty', caMap('c', ' \n'), 'ConfigMap "c": ca.crt is empty'],
    ['text without PEM', caMap('c', 'hello'), 'ConfigMap "c": ca.crt is not PEM: '],
    ['a key after a certificate', caMap('c', makeCaPem() + '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), 'ConfigMap "c": ca.crt PEM block 2 is a PRIVATE KEY, not a CERTIFICATE'],
    ['a broken second certificate', caMap('c', makeCaPem() + '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), 'ConfigMap "c": ca.crt certificate 2 does not parse: '],
  ])('says so for %s', (_name, cm, message) => {
    expect(messageFor(cm)).toContain(`invalid caCertificateRefs: ${message}`);
  });

  it('names the kind, its group and the supported kinds for a kind it does not resolve', () => {
    expect(messageFor(undefined, { group: 'example.com', kind: 'Bundle', name: 'c' })).toBe(
      'invalid caCertificateRefs: Bundle "c" (group example.com): kind example.com/Bundle is not supported (supported: core/ConfigMap)',
    );
  });
});
