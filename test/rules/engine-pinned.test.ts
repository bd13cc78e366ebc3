// Engine behaviour a user relies on that the rule cases do not pin (found by hand-made mutants of engine.ts).
import { loadEngine, maxFindingsPerObject } from '../../src/rules/engine.js';
import { parseRuleConfig } from '../../src/rules/config.js';
import { policy, strings } from './policy.js';

const unknown = (n: number) => (p: any) => Object.assign(p.spec, Object.fromEntries(Array.from({ length: n }, (_, i) => [`x${i}`, 1])));
const manyUnknown = unknown(150);
const tooMany = (n: number) => ({ rule: 'btls-too-many-findings', field: '<nil>', message: `Too many: ${n}: only the first ${maxFindingsPerObject} errors are shown`, severity: 'deny', reason: 'FieldValueTooMany' });

describe('what the engine looks at', () => {
  const engine = loadEngine();

  it('only a BackendTLSPolicy of the Gateway API group: another group, or another kind of that group, is left alone', () => {
    for (const other of [
      policy((p) => (p.apiVersion = 'example.com/v1')),
      policy((p) => (p.kind = 'HTTPRoute')),
    ]) {
      other.spec.validation.hostname = '10.0.0.1';
      expect(engine.evaluate(other)).toEqual([]);
      other.spec.validation.hostname = 'Backend.Example.com';
      expect(engine.mutate(other)).toEqual([]);
    }
  });
});

describe('severity overrides from the config', () => {
  it('apply to the schema-level findings too, not only to the CEL rules', () => {
    const e = loadEngine({ config: parseRuleConfig('rules: {crd-schema-min-length: {severity: warn}}', 'c.yaml') });
    const got = e.evaluate(policy((p) => (p.spec.validation.hostname = '')));
    expect(got.filter((f) => f.rule === 'crd-schema-min-length').map((f) => f.severity)).toEqual(['warn']);
  });
});

describe('the findings cap', () => {
  it('lets exactly 100 findings through with no note', () => {
    const got = loadEngine({ ruleset: 'crd' }).evaluate(policy(unknown(maxFindingsPerObject)));
    expect(got).toHaveLength(maxFindingsPerObject);
    expect(got.every((f) => f.rule === 'crd-unknown-field')).toBe(true);
  });

  it('holds for unknown fields under the rule set crd', () => {
    const got = loadEngine({ ruleset: 'crd' }).evaluate(policy(manyUnknown));
    expect(got).toHaveLength(maxFindingsPerObject + 1);
    expect(got[maxFindingsPerObject]).toEqual(tooMany(150));
  });

  it('counts no further rule once the schema findings are over it', () => {
    // 150 unknown fields, then an IP hostname and two targets: those rules are not counted
    const got = loadEngine().evaluate(policy((p) => {
      manyUnknown(p);
      p.spec.validation.hostname = '10.0.0.1';
      p.spec.targetRefs.push({ group: '', kind: 'Service', name: 'other' });
    }));
    expect(got).toHaveLength(maxFindingsPerObject + 1);
    expect(got[maxFindingsPerObject]).toEqual(tooMany(150));
  });

  it('holds for wrong types where the CRD rules are skipped', () => {
    const got = loadEngine({ crdRules: 'skip' }).evaluate(policy((p) => (p.spec.targetRefs = Array.from({ length: 60 }, () => ({ group: 5, kind: 5, name: 5 })))));
    expect(got).toHaveLength(maxFindingsPerObject + 1);
    expect(got[maxFindingsPerObject]).toEqual(tooMany(181));
  });
});

describe('on UPDATE', () => {
  it('ratchets a schema finding on a value the update leaves unchanged, and reports it on CREATE', () => {
    const long = policy((p) => (p.spec.validation.hostname = 'a'.repeat(300)));
    expect(strings(loadEngine().evaluate(long))).toContain('spec.validation.hostname: Too long: may not be more than 253 bytes');
    expect(loadEngine().evaluate(long, { operation: 'UPDATE', oldObject: long })).toEqual([]);
  });
});

describe('mutations', () => {
  const engine = loadEngine();
  it('make no patch where the value or the condition of a mutation cannot be evaluated', () => {
    expect(engine.mutate(policy((p) => (p.spec.validation.hostname = 5)))).toEqual([]);
    expect(engine.mutate(policy((p) => (p.spec.targetRefs = [{ kind: 5, name: 'x' }])))).toEqual([]);
  });
});
