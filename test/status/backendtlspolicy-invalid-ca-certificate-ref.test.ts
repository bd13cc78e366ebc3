import type { KubeObject } from '../../src/rules/types.js';
import { configMap, loadFixture, makeCaPem, NOW, policyMustHaveCondition, resolveObjects, statusOf } from './helpers.js';

// conformance/tests/backendtlspolicy-invalid-ca-certificate-ref.go, plus the content checks btls adds
describe('BackendTLSPolicyInvalidCACertificateRef', () => {
  const gw = { name: 'same-namespace' };
  const fixture = loadFixture('base.yaml', 'backendtlspolicy-invalid-ca-certificate-ref.yaml');
  const noValid = { type: 'Accepted', status: 'False', reason: 'NoValidCACertificate' } as const;
  const invalidRef = { type: 'ResolvedRefs', status: 'False', reason: 'InvalidCACertificateRef' } as const;

  it.each([
    ['nonexistent-ca-certificate-ref', 'the ConfigMap does not exist'],
    ['malformed-ca-certificate-ref', 'the ConfigMap has no ca.crt key'],
  ])('%s (%s) has Accepted False/NoValidCACertificate and ResolvedRefs False/InvalidCACertificateRef', (name) => {
    const status = statusOf(resolveObjects(fixture), name);
    policyMustHaveCondition(status, gw, noValid);
    policyMustHaveCondition(status, gw, invalidRef);
  });

  const day = 86_400_000;
  const withData = (data: Record<string, string>): KubeObject[] =>
    fixture.filter((o) => !(o.kind === 'ConfigMap' && o.metadata?.name === 'malformed-ca-certificate')).concat(configMap('malformed-ca-certificate', data));
  const cases: [string, () => Record<string, string>, { type: string; status: 'True' | 'False'; reason: string }[]][] = [
    ['invalid because ca.crt is empty', () => ({ 'ca.crt': '' }), [noValid, invalidRef]],
    ['invalid because ca.crt is only whitespace', () => ({ 'ca.crt': '  \n' }), [noValid, invalidRef]],
    ['invalid because ca.crt is not PEM', () => ({ 'ca.crt': 'hello' }), [noValid, invalidRef]],
    ['invalid because the PEM block is not a certificate', () => ({ 'ca.crt': '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }), [noValid, invalidRef]],
    ['invalid because the certificate body is garbage', () => ({ 'ca.crt': '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }), [noValid, invalidRef]],
    ['invalid because one of two PEM blocks does not parse', () => ({ 'ca.crt': makeCaPem() + '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }), [noValid, invalidRef]],
    ['invalid because the only CA has expired', () => ({ 'ca.crt': makeCaPem({ notBefore: new Date(NOW.getTime() - 10 * day), notAfter: new Date(NOW.getTime() - day) }) }), [noValid, { type: 'ResolvedRefs', status: 'False', reason: 'ExpiredCACertificate' }]],
    ['invalid because the only CA is not yet valid', () => ({ 'ca.crt': makeCaPem({ notBefore: new Date(NOW.getTime() + day), notAfter: new Date(NOW.getTime() + 10 * day) }) }), [noValid, { type: 'ResolvedRefs', status: 'False', reason: 'NotYetValidCACertificate' }]],
    ['valid because a bundle of an expired and a current CA has one valid certificate', () => ({ 'ca.crt': makeCaPem({ notBefore: new Date(NOW.getTime() - 10 * day), notAfter: new Date(NOW.getTime() - day) }) + makeCaPem() }), [{ type: 'Accepted', status: 'True', reason: 'Accepted' }, { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs' }]],
    ['valid because ca.crt holds one PEM certificate', () => ({ 'ca.crt': makeCaPem() }), [{ type: 'Accepted', status: 'True', reason: 'Accepted' }, { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs' }]],
  ];
  it.each(cases)('%s', (_, data, wants) => {
    const status = statusOf(resolveObjects(withData(data())), 'malformed-ca-certificate-ref');
    for (const w of wants) policyMustHaveCondition(status, gw, w);
  });

  it('with one valid and one missing ref, Accepted stays True, ResolvedRefs is False and the message names the bad ref', () => {
    const objects = withData({ 'ca.crt': makeCaPem() }).map((o) =>
      o.kind === 'BackendTLSPolicy' && o.metadata?.name === 'malformed-ca-certificate-ref'
        ? { ...o, spec: { ...(o.spec as object), validation: { hostname: 'abc.example.com', caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'malformed-ca-certificate' }, { group: '', kind: 'ConfigMap', name: 'gone' }, { group: 'x.io', kind: 'Y', name: 'z' }] } } }
        : o,
    );
    const status = statusOf(resolveObjects(objects), 'malformed-ca-certificate-ref');
    policyMustHaveCondition(status, gw, { type: 'Accepted', status: 'True', reason: 'Accepted' });
    const c = policyMustHaveCondition(status, gw, invalidRef);
    // the message is for humans; it must still name every failing ref
    expect(c.message).toContain('"gone"');
    expect(c.message).toContain('"z"');
  });
});
