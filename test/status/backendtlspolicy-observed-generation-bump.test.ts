import type { KubeObject } from '../../src/rules/types.js';
import { configMap, CONTROLLER, loadFixture, makeCaPem, options, policyMustHaveCondition, statusOf } from './helpers.js';
import { resolveStatus } from '../../src/status/resolve.js';
import { snapshotFromObjects } from '../../src/status/snapshot.js';

// conformance/tests/backendtlspolicy-observed-generation-bump.go: a spec edit bumps observedGeneration on every entry
describe('BackendTLSPolicyObservedGenerationBump', () => {
  const gw = { name: 'same-namespace' };
  const ca = makeCaPem();
  const withGeneration = (g: number, hostname: string, status?: unknown): KubeObject[] =>
    [...loadFixture('base.yaml', 'backendtlspolicy-observed-generation-bump.yaml'), configMap('tls-checks-ca-certificate', { 'ca.crt': ca })].map((o) =>
      o.kind === 'BackendTLSPolicy'
        ? { ...o, metadata: { ...o.metadata, generation: g }, spec: { ...(o.spec as object), validation: { ...((o.spec as { validation: object }).validation), hostname } }, ...(status ? { status } : {}) }
        : o,
    );

  it('after a spec edit (generation 1 -> 2) every entry, ours and its conditions, has observedGeneration 2 and Accepted True', () => {
    const first = statusOf(resolveStatus(snapshotFromObjects(withGeneration(1, 'abc.example.com')), options()), 'observed-generation-bump');
    policyMustHaveCondition(first, gw, { type: 'Accepted', status: 'True', reason: 'Accepted' }, 1);
    const foreign = { ancestorRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'gateway-conformance-infra', name: 'theirs' }, controllerName: 'other.example.com/x', conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', lastTransitionTime: '2020-01-01T00:00:00Z', observedGeneration: 1 }] };
    const stored = { ancestors: [...first.ancestors, foreign] };
    const second = statusOf(resolveStatus(snapshotFromObjects(withGeneration(2, 'foo.example.com', stored)), options()), 'observed-generation-bump');
    policyMustHaveCondition(second, gw, { type: 'Accepted', status: 'True', reason: 'Accepted' }, 2);
    policyMustHaveCondition(second, gw, { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs' }, 2);
    // other controllers' entries are theirs to bump
    expect(second.ancestors.find((a) => a.controllerName !== CONTROLLER)).toEqual(foreign);
  });
});
