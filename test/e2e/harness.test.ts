// Smoke test of the e2e harness itself (lib/cluster.ts against cluster.sh's apiserver).
// The strings are the ones recorded in README.md "Observed error strings" (v1.33.13).
import { apiDryRun, clusterUp, freshNamespace, kubectl, parseKubectlErrors, serverDryRun } from './lib/cluster.js';

const up = await clusterUp();
if (!up && process.env.BTLS_E2E_REQUIRED === '1') throw new Error('no e2e cluster: run test/e2e/cluster.sh up');
const d = up ? describe : describe.skip;

const policy = (name: string, validation: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'BackendTLSPolicy',
  metadata: { name },
  spec: { targetRefs: [{ group: '', kind: 'Service', name: 'foo' }], validation, ...extra },
});
const valid = { hostname: 'foo.example.com', wellKnownCACertificates: 'System' };
const notChecked =
  '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

test('parseKubectlErrors: all kubectl shapes, commas and brackets inside messages', () => {
  expect(parseKubectlErrors('The BackendTLSPolicy "a" is invalid: spec.x: Invalid value: "[a-z0-9]": bad, really\n')).toEqual([
    'spec.x: Invalid value: "[a-z0-9]": bad, really',
  ]);
  expect(
    parseKubectlErrors('The BackendTLSPolicy "a" is invalid: \n* spec.t[0].type: Unsupported value: "IP": supported values: "Hostname", "URI"\n* ' + notChecked + '\n'),
  ).toEqual(['spec.t[0].type: Unsupported value: "IP": supported values: "Hostname", "URI"', notChecked]);
  expect(parseKubectlErrors('The BackendTLSPolicy "a" is invalid: [spec.t[0].type: Unsupported value: "IP": supported values: "Hostname", "URI", ' + notChecked + ']')).toEqual([
    'spec.t[0].type: Unsupported value: "IP": supported values: "Hostname", "URI"',
    notChecked,
  ]);
  expect(parseKubectlErrors('Error from server (BadRequest): error when creating "STDIN": X cannot be handled: strict decoding error: unknown field "spec.foo"\n')).toEqual([
    'X cannot be handled: strict decoding error: unknown field "spec.foo"',
  ]);
});

d('e2e cluster', () => {
  let ns = '';
  beforeAll(async () => {
    ns = await freshNamespace('harness');
  });

  test('kubectl talks to a v1.33 server with the BackendTLSPolicy CRD', async () => {
    const r = await kubectl(['get', 'crd', 'backendtlspolicies.gateway.networking.k8s.io', '-o', 'name']);
    expect(r.code).toBe(0);
    const v = await kubectl(['version', '-o', 'json']);
    expect(JSON.parse(v.stdout).serverVersion.gitVersion).toBe('v1.33.13');
  });

  const cases: [string, object, boolean, string[]][] = [
    ['valid', policy('valid', valid), true, []],
    ['six SANs', policy('six', { ...valid, subjectAltNames: [1, 2, 3, 4, 5, 6].map((i) => ({ type: 'Hostname', hostname: `h${i}.example.com` })) }), false,
      ['spec.validation.subjectAltNames: Too many: 6: must have at most 5 items', notChecked]],
    ['SAN type IP', policy('ip', { ...valid, subjectAltNames: [{ type: 'IP', hostname: '10.0.0.1' }] }), false,
      ['spec.validation.subjectAltNames[0].type: Unsupported value: "IP": supported values: "Hostname", "URI"', notChecked]],
    ['unknown field', policy('unknown', valid, { foo: 'bar' }), false,
      ['BackendTLSPolicy in version "v1" cannot be handled as a BackendTLSPolicy: strict decoding error: unknown field "spec.foo"']],
    ['both CA kinds', policy('both', { ...valid, caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca' }] }), false,
      ['spec.validation: Invalid value: "object": must not contain both CACertificateRefs and WellKnownCACertificates']],
  ];
  test.each(cases)('%s: kubectl and the API agree', async (_name, obj, allowed, errors) => {
    const [s, a] = await Promise.all([serverDryRun(obj, { namespace: ns }), apiDryRun(obj, { namespace: ns })]);
    expect(a.allowed).toBe(allowed);
    expect(a.errors).toEqual(errors);
    expect(s.allowed).toBe(allowed);
    expect(s.errors).toEqual(errors);
  });
});
