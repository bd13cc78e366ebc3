// Behaviour of the engine that the shipped rule table does not exercise: a small table of its own pins it.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngine } from '../../src/rules/engine.js';
import { policy, strings } from './policy.js';

const match = '{group: gateway.networking.k8s.io, kind: BackendTLSPolicy}';
function table(rules: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'btls-table-'));
  mkdirSync(join(dir, 't'));
  for (const [id, body] of Object.entries(rules)) writeFileSync(join(dir, 't', `${id}.yaml`), `id: ${id}\nsets: [t]\nmatch: ${match}\nseverity: deny\n${body}\n`);
  return dir;
}

/** The engine for such a table, its rule set alone (the CRD's own rules left out). */
const tableEngine = (rules: Record<string, string>) => loadEngine({ ruleset: 't', crdRules: 'skip', rulesDir: table(rules) });


describe('transition rules (oldSelf)', () => {
  const engine = tableEngine({ 'hostname-immutable': 'path: spec.validation\nrule: self.hostname == oldSelf.hostname\nmessage: hostname is immutable' });
  const changed = policy((p) => (p.spec.validation.hostname = 'other.example.com'));

  it('do not run on CREATE, where there is no old object (kube-apiserver skips them too)', () => {
    expect(engine.evaluate(changed)).toEqual([]);
    expect(engine.evaluate(changed, { operation: 'CREATE' })).toEqual([]);
  });

  it('run on UPDATE and report a change', () => {
    expect(strings(engine.evaluate(changed, { operation: 'UPDATE', oldObject: policy() }))).toEqual(['spec.validation: Invalid value: "object": hostname is immutable']);
    expect(engine.evaluate(policy(), { operation: 'UPDATE', oldObject: policy() })).toEqual([]);
  });

  it('do not run on CREATE even when a caller passes an old object along', () => {
    expect(engine.evaluate(changed, { operation: 'CREATE', oldObject: policy() })).toEqual([]);
  });
});

describe('the field a rule reports', () => {
  const engine = tableEngine({
    'root-rule': "path: .\nrule: \"self.metadata.name != 'root'\"\nmessage: root refused",
    'first-ref': "path: spec.targetRefs\nrule: \"self[0].name != 'first'\"\nfieldPath: '[0]'\nmessage: first refused",
    'ref-name': "path: spec.targetRefs[*]\nrule: \"self.name != 'named'\"\nfieldPath: .name\nmessage: name refused",
  });

  it('is <nil> for a rule on the object as a whole, as kube-apiserver prints the root path', () => {
    expect(strings(engine.evaluate(policy((p) => (p.metadata.name = 'root'))))).toEqual(['<nil>: Invalid value: "object": root refused']);
  });

  it('appends a fieldPath that starts with a list index without a dot', () => {
    expect(strings(engine.evaluate(policy((p) => (p.spec.targetRefs[0].name = 'first'))))).toEqual(['spec.targetRefs[0]: Invalid value: "array": first refused']);
  });

  it('appends a fieldPath that names a field with one dot', () => {
    expect(strings(engine.evaluate(policy((p) => (p.spec.targetRefs[0].name = 'named'))))).toEqual(['spec.targetRefs[0].name: Invalid value: "object": name refused']);
  });
});

describe('the findings cap', () => {
  // three rules that each fail on every target: ranked in table (file name) order
  const engine = tableEngine({
    'a-first': 'path: spec.targetRefs[*]\nrule: "false"\nmessage: first',
    'b-second': 'path: spec.targetRefs[*]\nrule: "false"\nmessage: second',
    'c-third': 'path: spec.targetRefs[*]\nrule: "false"\nmessage: third',
  });
  const refs = (n: number) => policy((p) => (p.spec.targetRefs = Array.from({ length: n }, (_, i) => ({ group: '', kind: 'Service', name: `s${i}` }))));

  it('counts up to the end of the rule that takes it over the cap, and shows the first 100 in rule order', () => {
    const got = engine.evaluate(refs(60));
    expect(got).toHaveLength(101);
    expect(got.slice(0, 100).map((f) => f.rule)).toEqual([...Array(60).fill('a-first'), ...Array(40).fill('b-second')]);
    expect(got[100]).toEqual({
      rule: 'btls-too-many-findings',
      field: '<nil>',
      message: 'Too many: 120: only the first 100 errors are shown',
      severity: 'deny',
      reason: 'FieldValueTooMany',
    });
  });

  it('does not note "Too many" under the cap, and counts the whole rule that makes the 101st', () => {
    expect(engine.evaluate(refs(33)).filter((f) => f.rule === 'btls-too-many-findings')).toEqual([]);
    const got = engine.evaluate(refs(50));
    expect(got).toHaveLength(101);
    expect(got[100].message).toBe('Too many: 150: only the first 100 errors are shown');
  });
});

describe('the message and value a rule reports', () => {
  const engine = tableEngine({
    'empty-expression': "path: spec.validation\nrule: \"self.hostname != 'empty.example.com'\"\nmessage: the static message\nmessageExpression: \"''\"",
    'named-expression': "path: spec.validation\nrule: \"self.hostname != 'named.example.com'\"\nmessage: the static message\nmessageExpression: \"'hostname ' + self.hostname\"",
    'broken-rule': "path: spec.validation\nrule: \"self.hostname != 'broken.example.com' || self.nope == 1\"\nmessage: broken",
    'typed-value': "path: spec.validation\nrule: \"self.hostname != 'typed.example.com'\"\nvalueType: map\nmessage: typed",
  });
  const withHost = (h: string) => strings(engine.evaluate(policy((p) => (p.spec.validation.hostname = h))));

  it('takes a message expression that gives a string, and the static message when it gives an empty one', () => {
    expect(withHost('named.example.com')).toEqual(['spec.validation: Invalid value: "object": hostname named.example.com']);
    expect(withHost('empty.example.com')).toEqual(['spec.validation: Invalid value: "object": the static message']);
  });

  it('says when a rule could not be evaluated, rather than pass or fail it silently', () => {
    expect(withHost('broken.example.com')).toEqual([expect.stringMatching(/^spec\.validation: Invalid value: "object": broken \(rule could not be evaluated: .+\)$/)]);
  });

  it('prints the value type the rule declares instead of the type of the node', () => {
    expect(withHost('typed.example.com')).toEqual(['spec.validation: Invalid value: "map": typed']);
  });
});

describe('mutations, in table order', () => {
  const engine = tableEngine({
    'a-hostname': "path: spec.validation.hostname\nmutation: {value: \"'set.example.com'\"}\nmessage: a\nrule: 'true'",
    'b-ref-name': 'path: spec.targetRefs[*]\nmutation: {field: name, value: "object.spec.validation.hostname"}\nmessage: b\nrule: \'true\'',
  });

  it('read the object as earlier mutations left it, and leave the input alone', () => {
    const input = policy();
    const before = structuredClone(input);
    expect(engine.mutate(input)).toEqual([
      { op: 'replace', path: '/spec/validation/hostname', value: 'set.example.com', rule: 'a-hostname' },
      { op: 'replace', path: '/spec/targetRefs/0/name', value: 'set.example.com', rule: 'b-ref-name' },
    ]);
    expect(input).toEqual(before);
  });

  it('give no patch when nothing would change', () => {
    expect(engine.mutate(policy((p) => {
      p.spec.validation.hostname = 'set.example.com';
      p.spec.targetRefs[0].name = 'set.example.com';
    }))).toEqual([]);
  });
});

describe('mutations that cannot apply', () => {
  const engine = tableEngine({
    'broken-when': "path: spec.validation\nmutation: {when: \"self.nope == 'x'\", field: extra, value: \"'y'\"}\nmessage: a\nrule: 'true'",
    'field-of-a-list': "path: spec.targetRefs\nmutation: {field: extra, value: \"'y'\"}\nmessage: b\nrule: 'true'",
    'whole-object': "path: .\nmutation: {value: \"{'kind': 'Other'}\"}\nmessage: c\nrule: 'true'",
  });

  it('make no patch: a condition that cannot be evaluated, a field of a list, a value for the whole object', () => {
    expect(engine.mutate(policy())).toEqual([]);
  });
});

describe('a mutation on a node an earlier one changed', () => {
  const engine = tableEngine({
    'a-upper': "path: spec.validation.hostname\nmutation: {value: \"'UPPER.example.com'\"}\nmessage: a\nrule: 'true'",
    'b-lower': "path: spec.validation.hostname\nmutation: {value: 'self.lowerAscii()'}\nmessage: b\nrule: 'true'",
  });

  it('sees the changed node as its self', () => {
    expect(engine.mutate(policy()).map((op) => [op.rule, (op as { value: unknown }).value])).toEqual([
      ['a-upper', 'UPPER.example.com'],
      ['b-lower', 'upper.example.com'],
    ]);
  });
});

describe('the reason a rule gives words its message as the apiserver words x-kubernetes-validations (fieldErrorForReason)', () => {
  const rule = (reason: string) => `path: spec.validation\nrule: self.hostname == 'x'\nmessage: must be x\nreason: ${reason}`;
  const engine = tableEngine({ a: rule('FieldValueInvalid'), b: rule('FieldValueForbidden'), c: rule('FieldValueRequired'), d: rule('FieldValueDuplicate') });

  it('Invalid value, Forbidden, Required value and Duplicate value, each with its reason', () => {
    expect(engine.evaluate(policy()).map((f) => `${f.reason} ${f.field}: ${f.message}`)).toEqual([
      'FieldValueInvalid spec.validation: Invalid value: "object": must be x',
      'FieldValueForbidden spec.validation: Forbidden: must be x',
      'FieldValueRequired spec.validation: Required value: must be x',
      'FieldValueDuplicate spec.validation: Duplicate value: "object"',
    ]);
  });

  it('refuses a reason x-kubernetes-validations does not allow, naming the file', () => {
    expect(() => tableEngine({ e: rule('FieldValueTooLong') })).toThrow(/invalid rule in .*e\.yaml: reason must be one of FieldValueInvalid, FieldValueForbidden, FieldValueRequired, FieldValueDuplicate/);
  });
});
