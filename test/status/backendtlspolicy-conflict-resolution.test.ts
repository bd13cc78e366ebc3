import type { KubeObject } from '../../src/rules/types.js';
import { configMap, loadFixture, makeCaPem, policyMustHaveCondition, resolveObjects, statusOf } from './helpers.js';

// conformance/tests/backendtlspolicy-conflict-resolution.go: the manifests are applied in order, so the
// "-1" policies are created first (or in the same second, where namespace/name decides).
describe('BackendTLSPolicyConflictResolution', () => {
  const gw = { name: 'same-namespace' };
  const ca = makeCaPem();
  const objects = (): KubeObject[] => [...loadFixture('base.yaml', 'backendtlspolicy-conflict-resolution.yaml'), configMap('tls-checks-ca-certificate', { 'ca.crt': ca })];
  const acceptedTrue = { type: 'Accepted', status: 'True', reason: 'Accepted' } as const;
  const conflicted = { type: 'Accepted', status: 'False', reason: 'Conflicted' } as const;

  it.each([
    ['conflicted-without-section-name-1', acceptedTrue],
    ['conflicted-without-section-name-2', conflicted],
    ['conflicted-with-section-name-1', acceptedTrue],
    ['conflicted-with-section-name-2', conflicted],
    ['not-conflicted-with-section-name', acceptedTrue],
    ['not-conflicted-without-section-name', acceptedTrue],
  ] as const)('%s has Accepted %s with Reason %s (creation timestamps missing: names decide)', (name, want) => {
    policyMustHaveCondition(statusOf(resolveObjects(objects()), name), gw, want);
  });

  const stamp = (o: KubeObject, ts: string | undefined): KubeObject => ({ ...o, metadata: { ...o.metadata, ...(ts ? { creationTimestamp: ts } : {}) } });
  it.each([
    ['the older policy wins over the alphabetically first one', '2026-01-01T00:00:02Z', '2026-01-01T00:00:01Z', conflicted, acceptedTrue],
    ['on a timestamp tie, namespace/name alphabetically first wins', '2026-01-01T00:00:01Z', '2026-01-01T00:00:01Z', acceptedTrue, conflicted],
    ['with one timestamp missing, names decide', undefined, '2026-01-01T00:00:01Z', acceptedTrue, conflicted],
  ] as const)('%s', (_, ts1, ts2, want1, want2) => {
    const stamped = objects().map((o) =>
      o.metadata?.name === 'conflicted-without-section-name-1' ? stamp(o, ts1) : o.metadata?.name === 'conflicted-without-section-name-2' ? stamp(o, ts2) : o,
    );
    const results = resolveObjects(stamped);
    policyMustHaveCondition(statusOf(results, 'conflicted-without-section-name-1'), gw, want1);
    policyMustHaveCondition(statusOf(results, 'conflicted-without-section-name-2'), gw, want2);
  });

  it('the losing policy still gets its ResolvedRefs condition, and the winner keeps winning while itself invalid', () => {
    const broken = objects().map((o) =>
      o.metadata?.name === 'conflicted-without-section-name-1'
        ? { ...o, spec: { ...(o.spec as object), validation: { hostname: 'x.example.com', caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'missing' }] } } }
        : o,
    );
    const results = resolveObjects(broken);
    policyMustHaveCondition(statusOf(results, 'conflicted-without-section-name-1'), gw, { type: 'Accepted', status: 'False', reason: 'NoValidCACertificate' });
    policyMustHaveCondition(statusOf(results, 'conflicted-without-section-name-2'), gw, conflicted);
    policyMustHaveCondition(statusOf(results, 'conflicted-without-section-name-2'), gw, { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs' });
  });
});
