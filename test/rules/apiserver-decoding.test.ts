// What kube-apiserver's JSON decoding does to a BackendTLSPolicy before the CRD's rules see it, found by the
// differential fuzzer (test/e2e/fuzz-parity.e2e.test.ts); each expected string is the apiserver's (v1.33.13).
import { loadEngine } from '../../src/rules/engine.js';
import { isGoInt64 } from '../../src/rules/field-errors.js';

const crd = loadEngine({ ruleset: 'crd' });
const policy = (patch: (p: any) => void = () => {}) => {
  const p: any = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'BackendTLSPolicy',
    metadata: { name: 'p', namespace: 'team-a' },
    spec: {
      targetRefs: [{ group: '', kind: 'Service', name: 'backend' }],
      validation: { hostname: 'backend.example.com', wellKnownCACertificates: 'System' },
    },
  };
  patch(p);
  return p;
};
const strings = (p: unknown) => crd.evaluate(p).map((f) => `${f.field}: ${f.message}`);
const notChecked = '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

describe('numbers: Go decodes an integral number as int64 when its text fits one', () => {
  it.each([
    [9007199254740994, 'integer'], // 2^53 + 2: not a safe integer in JavaScript, an int64 in Go
    [-9007199254740994, 'integer'],
    [9223372036854775000, 'integer'], // written as 9223372036854774784, inside int64
    [12345678901234567890, 'number'],
    [1e20, 'number'],
    [1e300, 'number'],
    [1.5, 'number'],
    [5, 'integer'],
  ])('a kind of %p is of type %s', (n, type) => {
    expect(strings(policy((p) => (p.spec.targetRefs[0].kind = n)))).toEqual([
      `spec.targetRefs[0].kind: Invalid value: "${type}": spec.targetRefs[0].kind in body must be of type string: "${type}"`,
      notChecked,
    ]);
  });

  it('isGoInt64 takes the shortest text of the number, as JSON.stringify and Go write it', () => {
    expect(isGoInt64(2 ** 62)).toBe(true);
    expect(isGoInt64(2 ** 63)).toBe(false); // "9223372036854775808" overflows
    expect(isGoInt64(-(2 ** 63))).toBe(false); // written "-9223372036854776000", below the minimum
    expect(isGoInt64(1e21)).toBe(false); // "1e+21"
    expect(isGoInt64(-0)).toBe(true);
  });
});
