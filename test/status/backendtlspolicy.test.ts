import type { KubeObject } from '../../src/rules/types.js';
import { accepted, configMap, INFRA, loadFixture, makeCaPem, policyMustHaveCondition, resolvedRefs, resolveObjects, statusOf } from './helpers.js';

// conformance/tests/backendtlspolicy.go: the normative policy has two Gateway ancestors; mismatched
// hostname or CA stay Accepted/ResolvedRefs (they fail at connection time); reconcile-test flips with its ConfigMap.
describe('BackendTLSPolicy (normative)', () => {
  const ca = makeCaPem();
  const other = makeCaPem({ cn: 'unrelated CA' });
  const base = (): KubeObject[] => [
    ...loadFixture('base.yaml', 'backendtlspolicy.yaml'),
    configMap('tls-checks-ca-certificate', { 'ca.crt': ca }),
    configMap('mismatch-ca-certificate', { 'ca.crt': other }),
  ];
  const gw = { name: 'same-namespace' };
  const httpsGw = { name: 'same-namespace-with-https-listener' };

  it('normative-test has one entry per Gateway, both Accepted True and ResolvedRefs True', () => {
    const status = statusOf(resolveObjects(base()), 'normative-test');
    expect(status.ancestors.map((a) => [a.ancestorRef.group, a.ancestorRef.kind, a.ancestorRef.namespace, a.ancestorRef.name, a.controllerName])).toEqual([
      ['gateway.networking.k8s.io', 'Gateway', INFRA, 'same-namespace', 'btls.example.com/gateway-controller'],
      ['gateway.networking.k8s.io', 'Gateway', INFRA, 'same-namespace-with-https-listener', 'btls.example.com/gateway-controller'],
    ]);
    for (const g of [gw, httpsGw]) {
      policyMustHaveCondition(status, g, accepted);
      policyMustHaveCondition(status, g, resolvedRefs);
    }
  });

  it.each(['host-mismatch', 'cert-mismatch'])('%s has Accepted True and ResolvedRefs True (mismatches fail at connection time)', (name) => {
    const status = statusOf(resolveObjects(base()), name);
    expect(status.ancestors).toHaveLength(1);
    policyMustHaveCondition(status, gw, accepted);
    policyMustHaveCondition(status, gw, resolvedRefs);
  });

  const invalidAccepted = { type: 'Accepted', status: 'False', reason: 'NoValidCACertificate' } as const;
  const invalidRefs = { type: 'ResolvedRefs', status: 'False', reason: 'InvalidCACertificateRef' } as const;
  it.each([
    ['a missing ConfigMap', undefined, [invalidAccepted, invalidRefs]],
    ['a ConfigMap holding the CA', { 'ca.crt': ca }, [accepted, resolvedRefs]],
    ['an emptied ca.crt', { 'ca.crt': '' }, [invalidAccepted, invalidRefs]],
    ['a restored ca.crt', { 'ca.crt': ca }, [accepted, resolvedRefs]],
  ] as const)('reconcile-test with %s has the expected conditions', (_, data, wants) => {
    const objects = [...base(), ...(data ? [configMap('reconcile-test-ca-certificate', { ...data })] : [])];
    const status = statusOf(resolveObjects(objects), 'reconcile-test');
    for (const w of wants) policyMustHaveCondition(status, gw, w);
  });

  it('writes ancestors: [] for a policy no Gateway of ours reaches', () => {
    const objects = base().filter((o) => !(o.kind === 'HTTPRoute' && o.metadata?.name === 'backendtlspolicy-reencrypt'));
    const lonely = objects.map((o) => (o.kind === 'GatewayClass' && o.metadata?.name === 'btls-conformance' ? { ...o, spec: { controllerName: 'someone.else/x' } } : o));
    expect(statusOf(resolveObjects(lonely), 'normative-test')).toEqual({ ancestors: [] });
  });
});
