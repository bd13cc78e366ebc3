import { configMap, loadFixture, makeCaPem, policyMustHaveCondition, resolveObjects, statusOf } from './helpers.js';

// conformance/tests/backendtlspolicy-san.go: SAN matching happens at connection time; status is Accepted
describe('BackendTLSPolicySANValidation', () => {
  const gw = { name: 'same-namespace' };
  const results = resolveObjects([...loadFixture('base.yaml', 'backendtlspolicy-san.yaml'), configMap('tls-checks-ca-certificate', { 'ca.crt': makeCaPem() })]);
  it.each(['san-dns', 'san-dns-mismatch', 'san-uri', 'san-uri-mismatch', 'multiple-sans', 'multiple-mismatch-sans'])(
    '%s has Accepted True with Reason Accepted and ResolvedRefs True',
    (name) => {
      const status = statusOf(results, name);
      policyMustHaveCondition(status, gw, { type: 'Accepted', status: 'True', reason: 'Accepted' });
      policyMustHaveCondition(status, gw, { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs' });
    },
  );
});
