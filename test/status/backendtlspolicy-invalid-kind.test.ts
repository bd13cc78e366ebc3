import { loadFixture, makeCaPem, configMap, policyMustHaveCondition, resolveObjects, statusOf } from './helpers.js';

// conformance/tests/backendtlspolicy-invalid-kind.go
describe('BackendTLSPolicyInvalidKind', () => {
  const gw = { name: 'same-namespace' };
  const objects = loadFixture('base.yaml', 'backendtlspolicy-invalid-kind.yaml');

  it('a caCertificateRef of kind invalid.io/InvalidKind has Accepted False with Reason NoValidCACertificate', () => {
    policyMustHaveCondition(statusOf(resolveObjects(objects), 'invalid-kind'), gw, { type: 'Accepted', status: 'False', reason: 'NoValidCACertificate' });
  });

  it('a caCertificateRef of kind invalid.io/InvalidKind has ResolvedRefs False with Reason InvalidKind', () => {
    policyMustHaveCondition(statusOf(resolveObjects(objects), 'invalid-kind'), gw, { type: 'ResolvedRefs', status: 'False', reason: 'InvalidKind' });
  });

  it('a core Secret ref is InvalidKind by default and resolves once Secrets are configured as a CA kind', () => {
    const pem = makeCaPem();
    const secretPolicy = objects.map((o) =>
      o.kind === 'BackendTLSPolicy'
        ? { ...o, spec: { ...(o.spec as object), validation: { caCertificateRefs: [{ group: '', kind: 'Secret', name: 'ca' }], hostname: 'abc.example.com' } } }
        : o,
    );
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ca', namespace: 'gateway-conformance-infra' }, data: { 'ca.crt': Buffer.from(pem).toString('base64') } };
    const all = [...secretPolicy, secret, configMap('unused', {})];
    policyMustHaveCondition(statusOf(resolveObjects(all), 'invalid-kind'), gw, { type: 'ResolvedRefs', status: 'False', reason: 'InvalidKind' });
    const withSecrets = resolveObjects(all, { caKinds: [{ group: '', kind: 'ConfigMap' }, { group: '', kind: 'Secret' }] });
    policyMustHaveCondition(statusOf(withSecrets, 'invalid-kind'), gw, { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs' });
    policyMustHaveCondition(statusOf(withSecrets, 'invalid-kind'), gw, { type: 'Accepted', status: 'True', reason: 'Accepted' });
  });
});
