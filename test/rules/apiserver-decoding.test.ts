// What kube-apiserver's JSON decoding does to a BackendTLSPolicy before the CRD's rules see it, found by the
// differential fuzzer (test/e2e/fuzz-parity.e2e.test.ts); each expected string is the apiserver's (v1.33.13).
import { loadEngine } from '../../src/rules/engine.js';
import { isGoInt64 } from '../../src/rules/field-errors.js';
import { policy } from './policy.js';

const crd = loadEngine({ ruleset: 'crd' });
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

describe('metadata: decoded into ObjectMeta after the apiserver re-encodes it (keys sorted)', () => {
  const decode = (metadata: Record<string, unknown>) => strings(policy((p) => (p.metadata = { name: 'p', namespace: 'team-a', ...metadata })));
  it.each<[string, Record<string, unknown>, string]>([
    ['uid is a types.UID', { uid: 5 }, 'json: cannot unmarshal number into Go struct field ObjectMeta.uid of type types.UID'],
    ['an int64 that is not one is printed', { generation: 1.5 }, 'json: cannot unmarshal number 1.5 into Go struct field ObjectMeta.generation of type int64'],
    ['an int64 out of range', { generation: 1e20 }, 'json: cannot unmarshal number 100000000000000000000 into Go struct field ObjectMeta.generation of type int64'],
    ['a tiny float', { deletionGracePeriodSeconds: 1e-7 }, 'json: cannot unmarshal number 1e-7 into Go struct field ObjectMeta.deletionGracePeriodSeconds of type int64'],
    ['a string where an int64 is', { generation: '1' }, 'json: cannot unmarshal string into Go struct field ObjectMeta.generation of type int64'],
    ['label values in sorted key order', { labels: { dte3ou4xv: false, Secret: 0 } }, 'json: cannot unmarshal number into Go struct field ObjectMeta.labels of type string'],
    ['fields in sorted order', { uid: 5, annotations: { a: 1 } }, 'json: cannot unmarshal number into Go struct field ObjectMeta.annotations of type string'],
    ['labels before name', { name: 5, labels: { a: true } }, 'json: cannot unmarshal bool into Go struct field ObjectMeta.labels of type string'],
    ['a timestamp of another type fails as a string', { creationTimestamp: 5 }, 'json: cannot unmarshal number into Go struct field ObjectMeta.creationTimestamp of type string'],
    ['a timestamp error stops the decoder, whatever was found before it', { annotations: { a: 1 }, creationTimestamp: {} }, 'json: cannot unmarshal object into Go struct field ObjectMeta.creationTimestamp of type string'],
    ['the first timestamp error in sorted order', { deletionTimestamp: 5, creationTimestamp: 'x' }, 'parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"'],
    ['owner reference fields in sorted order', { ownerReferences: [{ uid: 5, controller: 'x' }] }, 'json: cannot unmarshal string into Go struct field OwnerReference.ownerReferences.controller of type bool'],
    ['deletionGracePeriodSeconds before ownerReferences', { ownerReferences: [{ uid: 1.5 }], deletionGracePeriodSeconds: 1e-7 }, 'json: cannot unmarshal number 1e-7 into Go struct field ObjectMeta.deletionGracePeriodSeconds of type int64'],
  ])('%s', (_name, metadata, error) => {
    expect(decode(metadata)).toEqual([`metadata: ${error}`]);
  });

  it.each<[string, unknown, string]>([
    ['not a list', 'x', 'json: cannot unmarshal string into Go struct field ObjectMeta.managedFields of type []v1.ManagedFieldsEntry'],
    ['an item not an object', [5], 'json: cannot unmarshal number into Go struct field ObjectMeta.managedFields of type v1.ManagedFieldsEntry'],
    ['a manager not a string', [{ manager: 5 }], 'json: cannot unmarshal number into Go struct field ManagedFieldsEntry.managedFields.manager of type string'],
    ['an operation not a string', [{ operation: 5 }], 'json: cannot unmarshal number into Go struct field ManagedFieldsEntry.managedFields.operation of type v1.ManagedFieldsOperationType'],
    ['fields in sorted order', [{ manager: 5, apiVersion: true }], 'json: cannot unmarshal bool into Go struct field ManagedFieldsEntry.managedFields.apiVersion of type string'],
    ['a time of another type', [{ time: 5 }], 'json: cannot unmarshal number into Go struct field ManagedFieldsEntry.managedFields.time of type string'],
    ['a time that does not parse stops the decoder, after an earlier item', [{ manager: 5 }, { time: 'x' }], 'parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"'],
  ])('managedFields: %s', (_name, managedFields, error) => {
    expect(decode({ managedFields })).toEqual([`metadata: ${error}`]);
  });

  it('managedFields: fieldsV1 holds any JSON, and the entries are not validated on create', () => {
    expect(decode({ managedFields: [{ fieldsV1: 5 }, null, { operation: 'Bad', fieldsType: 'X' }] })).toEqual([]);
  });

  it('managedFields comes before uid in sorted order', () => {
    expect(decode({ uid: 5, managedFields: [{ manager: 5 }] })).toEqual(['metadata: json: cannot unmarshal number into Go struct field ManagedFieldsEntry.managedFields.manager of type string']);
  });

  it('finalizers are printed as Go prints a []string (%#v: strconv.Quote)', () => {
    expect(decode({ finalizers: ['orphan', 'foregroundDeletion', 'a\u0000\u2028é😀\t'] })).toContain(
      'metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion", "a\\x00\\u2028é😀\\t"}: finalizer orphan and foregroundDeletion cannot be both set',
    );
  });

  it('an integral float or a big int64 decodes', () => {
    expect(decode({ generation: 9007199254740994, deletionGracePeriodSeconds: 1e3 })).toEqual([]);
  });
});

describe('lone surrogates are U+FFFD, as Go decodes them', () => {
  it('in the path of an unknown field', () => {
    expect(strings(policy((p) => (p.spec['a\ud800b'] = 1)))).toEqual(['spec.a\ufffdb: unknown field "spec.a\ufffdb"']);
  });

  it('in a map key of a field path', () => {
    expect(strings(policy((p) => (p.spec.options = { '>\udfff': 1 })))).toEqual([
      'spec.options.>\ufffd: Invalid value: "integer": spec.options.>\ufffd in body must be of type string: "integer"',
      notChecked,
    ]);
  });

  it('in the old object too: an unchanged value with one is ratcheted on UPDATE, as the apiserver does', () => {
    const bad = (p: any) => (p.spec.targetRefs[0].sectionName = 'a\ud800');
    const findings = crd.evaluate(policy(bad), { operation: 'UPDATE', oldObject: policy(bad) });
    expect(findings.map((f) => `${f.field}: ${f.message}`)).toEqual([]);
  });

  it('in a value, which then fails its pattern as U+FFFD', () => {
    expect(strings(policy((p) => (p.spec.targetRefs[0].sectionName = 'a\ud800')))).toEqual([
      `spec.targetRefs[0].sectionName: Invalid value: "a\ufffd": spec.targetRefs[0].sectionName in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'`,
    ]);
  });
});
