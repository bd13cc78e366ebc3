import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRulesDir, loadEngine, maxFindingsPerObject } from '../../src/rules/engine.js';
import { loadRuleTable } from '../../src/rules/table.js';
import { parseRuleConfig } from '../../src/rules/config.js';
import { policy, strings } from './policy.js';


describe('the CRD rules mode', () => {
  // an unknown field, a SAN the CRD's CEL rule refuses (type URI without uri), and an IP hostname (a spec rule)
  const mixed = policy((p) => {
    p.spec.extra = true;
    p.spec.validation.hostname = '10.0.0.1';
    p.spec.validation.subjectAltNames = [{ type: 'URI' }];
  });
  const ids = (fs: Array<{ rule: string }>) => [...new Set(fs.map((f) => f.rule))].sort();

  it('enforce (the default) reports the CRD findings along with the spec rules', () => {
    expect(ids(loadEngine().evaluate(mixed))).toEqual(expect.arrayContaining(['crd-subject-alt-name-uri', 'crd-unknown-field', 'hostname-not-ip']));
  });

  it('skip leaves the CRD schema and its CEL rules to the API server and runs the rest', () => {
    const skip = loadEngine({ crdRules: 'skip' });
    expect(skip.crdRulesSkipped).toBe(true);
    expect(ids(skip.evaluate(mixed))).toEqual(['hostname-not-ip']);
    expect(skip.evaluate(policy())).toEqual([]);
    // transition and mutation rules are unaffected
    expect(skip.mutate(policy((p) => (p.spec.validation.hostname = 'Backend.Example.com')))).toEqual([
      { op: 'replace', path: '/spec/validation/hostname', value: 'backend.example.com', rule: 'mutate-hostname-canonical' },
    ]);
  });

  it('auto skips them, except for the rule set crd, which has nothing else', () => {
    expect(ids(loadEngine({ crdRules: 'auto' }).evaluate(mixed))).toEqual(['hostname-not-ip']);
    const crdSet = loadEngine({ ruleset: 'crd', crdRules: 'auto' });
    expect(crdSet.crdRulesSkipped).toBe(false);
    expect(ids(crdSet.evaluate(mixed))).toEqual(['crd-unknown-field']);
  });

  describe('skip still checks the types of the CRD, and no rule reads a value of the wrong type', () => {
    const skip = loadEngine({ crdRules: 'skip' });
    const notChecked = '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';
    it.each([
      ['spec a string', (p: any) => (p.spec = 'x'), 'spec: Invalid value: "string": spec in body must be of type object: "string"'],
      ['targetRefs a string', (p: any) => (p.spec.targetRefs = 'x'), 'spec.targetRefs: Invalid value: "string": spec.targetRefs in body must be of type array: "string"'],
      ['targetRefs a map', (p: any) => (p.spec.targetRefs = { a: 1 }), 'spec.targetRefs: Invalid value: "object": spec.targetRefs in body must be of type array: "object"'],
      ['a null list item', (p: any) => (p.spec.targetRefs = [null]), 'spec.targetRefs[0]: Invalid value: "null": spec.targetRefs[0] in body must be of type object: "null"'],
      ['a ref name a number', (p: any) => (p.spec.targetRefs[0].name = 5), 'spec.targetRefs[0].name: Invalid value: "integer": spec.targetRefs[0].name in body must be of type string: "integer"'],
      ['validation a list', (p: any) => (p.spec.validation = [1]), 'spec.validation: Invalid value: "array": spec.validation in body must be of type object: "array"'],
      ['hostname a number', (p: any) => (p.spec.validation.hostname = 5), 'spec.validation.hostname: Invalid value: "integer": spec.validation.hostname in body must be of type string: "integer"'],
      ['a SAN a string', (p: any) => (p.spec.validation.subjectAltNames = ['x']), 'spec.validation.subjectAltNames[0]: Invalid value: "string": spec.validation.subjectAltNames[0] in body must be of type object: "string"'],
    ])('%s', (_name, patch, error) => {
      const got = skip.evaluate(policy(patch));
      expect(strings(got)).toEqual([error, notChecked]);
      expect(got.every((f) => f.severity === 'deny')).toBe(true);
    });

    it.each([
      ['metadata a string', (p: any) => (p.metadata = 'x'), 'metadata: json: cannot unmarshal string into Go value of type v1.ObjectMeta'],
      ['a name a number', (p: any) => (p.metadata.name = 5), 'metadata: json: cannot unmarshal number into Go struct field ObjectMeta.name of type string'],
    ])('%s: the decode error, as the apiserver answers it', (_name, patch, error) => {
      expect(strings(skip.evaluate(policy(patch)))).toEqual([error]);
    });

    it('and nothing else of the schema: fields, enum values and limits of a newer Gateway API pass', () => {
      const newer = policy((p) => {
        p.spec.newField = { any: 'thing' };
        p.spec.validation.subjectAltNames = [{ type: 'SomeNewType', someNewType: 'x' }];
        p.spec.validation.caCertificateRefs = Array.from({ length: 20 }, (_, i) => ({ group: '', kind: 'ConfigMap', name: `ca-${i}` }));
        delete p.spec.validation.wellKnownCACertificates;
      });
      expect(strings(skip.evaluate(newer))).toEqual([]);
    });

    it('takes a null field for an absent one, as the apiserver does, but not a null list item', () => {
      expect(skip.evaluate(policy((p) => (p.spec.validation.subjectAltNames = null)))).toEqual([]);
      expect(skip.evaluate(policy((p) => (p.metadata.creationTimestamp = null)))).toEqual([]);
      expect(strings(skip.evaluate(policy((p) => (p.spec.validation.subjectAltNames = [null]))))).toContain(
        'spec.validation.subjectAltNames[0]: Invalid value: "null": spec.validation.subjectAltNames[0] in body must be of type object: "null"',
      );
    });

    it('ratchets a wrong type left unchanged by an UPDATE, as for every schema finding', () => {
      const bad = policy((p) => (p.spec.validation.hostname = 5));
      expect(skip.evaluate(bad, { operation: 'UPDATE', oldObject: bad })).toEqual([]);
    });
  });

  it('refuses the rule set crd with its rules skipped: nothing would be checked', () => {
    expect(() => loadEngine({ ruleset: 'crd', crdRules: 'skip' })).toThrow("rule set 'crd' has no rules left to evaluate when the CRD's own rules are skipped");
  });
});

describe('the engine', () => {
  const engine = loadEngine();
  const crd = loadEngine({ ruleset: 'crd' });

  it('ignores objects of other kinds', () => {
    expect(engine.evaluate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toEqual([]);
    expect(engine.evaluate('not an object')).toEqual([]);
    expect(engine.evaluate(null)).toEqual([]);
  });

  it('admits a known-good policy with no finding', () => {
    expect(engine.evaluate(policy())).toEqual([]);
  });

  it('answers only the unknown fields under set crd, as the apiserver answers 400 before validating', () => {
    const p = policy((p) => {
      p.spec.foo = 1;
      p.spec.validation.hostname = 5;
    });
    expect(strings(crd.evaluate(p))).toEqual(['spec.foo: unknown field "spec.foo"']);
  });

  it('drops null fields before validating, but the strict decoder still sees an unknown one', () => {
    const nullSans = policy((p) => (p.spec.validation.subjectAltNames = null));
    expect(crd.evaluate(nullSans)).toEqual([]);
    const nullUnknown = policy((p) => (p.spec.foo = null));
    expect(strings(crd.evaluate(nullUnknown))).toEqual(['spec.foo: unknown field "spec.foo"']);
    const nullRequired = policy((p) => (p.spec.validation.hostname = null));
    expect(strings(crd.evaluate(nullRequired))[0]).toBe('spec.validation.hostname: Required value');
  });

  it('reports findings in the order of the rule table, not the order the object is walked in', () => {
    // the rules share one walk of the object (targetRefs itself before its items); the report keeps table order
    const broken = policy((p) => {
      p.spec.targetRefs = [{ group: '', kind: 'Deployment', name: 'a', namespace: 'other' }, { group: '', kind: 'Service', name: 'b' }];
      p.spec.validation.hostname = '10.0.0.1';
      p.spec.validation.subjectAltNames = [{ type: 'Hostname', hostname: '*.example.com' }];
    });
    const table = loadRuleTable(defaultRulesDir).map((r) => r.id);
    for (const e of [loadEngine({ crdRules: 'skip' }), engine]) {
      const rules = e.evaluate(broken).map((f) => f.rule);
      expect(rules).toEqual(expect.arrayContaining(['hostname-not-ip', 'same-namespace-refs', 'san-hostname-not-wildcard', 'single-target-ref', 'target-kind-allowed']));
      expect(rules.map((id) => table.indexOf(id))).toEqual(rules.map((id) => table.indexOf(id)).sort((a, b) => a - b));
    }
  });

  describe('on hostile input', () => {
    it('reports a 100k-item list as too many without running quadratic rules over it', () => {
      const refs = Array.from({ length: 100_000 }, (_, i) => ({ group: '', kind: 'Service', name: `s${i}` }));
      const start = Date.now();
      const got = engine.evaluate(policy((p) => (p.spec.targetRefs = refs)));
      expect(Date.now() - start).toBeLessThan(5000);
      expect(strings(got)).toContain('spec.targetRefs: Too many: 100000: must have at most 16 items');
      expect(got.some((f) => f.rule === 'crd-section-name-unique-target-refs')).toBe(false);
    });

    it('caps the findings of one object', () => {
      const sans = Array.from({ length: 5000 }, () => ({ type: 'IP' }));
      const got = engine.evaluate(policy((p) => (p.spec.validation.subjectAltNames = sans)));
      expect(got).toHaveLength(maxFindingsPerObject + 1);
      expect(got[got.length - 1].message).toMatch(/^Too many: \d+: only the first 100 errors are shown$/);
    });

    it('checks megabyte strings against the CRD patterns without backtracking for long', () => {
      const long = 'a'.repeat(1 << 20) + '!';
      const start = Date.now();
      const got = engine.evaluate(policy((p) => {
        p.spec.validation.hostname = long;
        p.spec.validation.wellKnownCACertificates = long;
        p.spec.options = { [long]: long };
        p.spec.validation.subjectAltNames = [{ type: 'URI', uri: long }];
      }));
      expect(Date.now() - start).toBeLessThan(3000);
      expect(strings(got)).toContain('spec.validation.hostname: Too long: may not be more than 253 bytes');
    });

    it('survives values of the wrong type everywhere', () => {
      for (const bad of [1, true, 'x', [], {}, null]) {
        const p = policy((p) => {
          p.spec.targetRefs = [bad];
          p.spec.validation.subjectAltNames = bad;
          p.spec.options = bad;
          p.metadata.name = bad;
        });
        expect(() => engine.evaluate(p)).not.toThrow();
        expect(() => engine.mutate(p)).not.toThrow();
      }
    });
  });

  describe('on UPDATE', () => {
    it('does not block an update for an error on a value that did not change (ratcheting)', () => {
      const old = policy((p) => (p.spec.validation.hostname = '10.1.2.3'));
      const updated = policy((p) => {
        p.spec.validation.hostname = '10.1.2.3';
        p.metadata.labels = { team: 'a' };
      });
      expect(engine.evaluate(updated)).not.toEqual([]);
      expect(engine.evaluate(updated, { operation: 'UPDATE', oldObject: old })).toEqual([]);
    });

    it('still reports an error the update introduces', () => {
      const old = policy();
      const updated = policy((p) => (p.spec.validation.hostname = '10.1.2.3'));
      expect(strings(engine.evaluate(updated, { operation: 'UPDATE', oldObject: old }))).toEqual([
        'spec.validation.hostname: Invalid value: "10.1.2.3": must be a DNS name, not an IP address',
      ]);
    });
  });

  describe('with a config file', () => {
    const two = policy((p) => p.spec.targetRefs.push({ group: '', kind: 'Service', name: 'other' }));

    it('turns a deny into a warning', () => {
      const e = loadEngine({ config: parseRuleConfig('rules: {single-target-ref: {severity: warn}}', 'c.yaml') });
      expect(e.evaluate(two).map((f) => [f.rule, f.severity])).toEqual([['single-target-ref', 'warn']]);
    });

    it('switches a rule off, schema rules included', () => {
      const e = loadEngine({ config: parseRuleConfig('rules: {single-target-ref: {enabled: false}, crd-schema-min-length: {enabled: false}}', 'c.yaml') });
      expect(e.evaluate(two)).toEqual([]);
      expect(e.evaluate(policy((p) => (p.spec.validation.hostname = '')))).toEqual([]);
    });

    it('admits a vendor target kind through params', () => {
      const vendor = policy((p) => (p.spec.targetRefs = [{ group: 'gateway.kgateway.dev', kind: 'Backend', name: 'b' }]));
      expect(engine.evaluate(vendor).map((f) => f.rule)).toEqual(['target-kind-allowed']);
      const e = loadEngine({
        config: parseRuleConfig("params: {targetKinds: [{group: '', kind: Service}, {group: gateway.kgateway.dev, kind: Backend}]}", 'c.yaml'),
      });
      expect(e.evaluate(vendor)).toEqual([]);
    });

    it('rejects a config that names an unknown rule, a bad severity or an unknown key', () => {
      expect(() => loadEngine({ config: parseRuleConfig('rules: {no-such-rule: {severity: warn}}', 'c.yaml') })).toThrow(/unknown rule 'no-such-rule'/);
      expect(() => parseRuleConfig('rules: {single-target-ref: {severity: fatal}}', 'c.yaml')).toThrow(/severity must be deny or warn/);
      expect(() => parseRuleConfig('rulez: {}', 'c.yaml')).toThrow(/unknown key 'rulez'/);
      expect(() => parseRuleConfig('rules: [', 'c.yaml')).toThrow(/cannot parse config c.yaml/);
    });

    // a wrong params value used to be accepted and then broke the rule on every policy ("no such overload")
    it('rejects params that no rule declares, naming the known ones and the config file', () => {
      const known = loadRuleTable(defaultRulesDir).flatMap((r) => Object.keys(r.params ?? {}));
      expect(known.length).toBeGreaterThan(0);
      const load = (text: string) => () => loadEngine({ config: parseRuleConfig(text, 'team.yaml') });
      expect(load('params: {foo: 1}')).toThrow(new RegExp(`team\\.yaml.*params\\.foo.*${known.map((k) => `(?=.*${k})`).join('')}`));
    });

    it('rejects params whose value does not have the shape of the rule table default', () => {
      const load = (text: string) => () => loadEngine({ config: parseRuleConfig(text, 'team.yaml') });
      for (const [key, value] of Object.entries(Object.assign({}, ...loadRuleTable(defaultRulesDir).map((r) => r.params ?? {})) as Record<string, unknown>)) {
        // the default itself is fine, and so is a list of the same shape
        expect(load(`params: {${key}: ${JSON.stringify(value)}}`)).not.toThrow();
        expect(load(`params: {${key}: 5}`)).toThrow(new RegExp(`team\\.yaml: params\\.${key}.* must be`));
      }
      for (const bad of ['"Service"', '[Service]', '[{kind: Service}]', '[{group: "", kind: Service, Group: x}]', '[{group: 1, kind: Service}]']) {
        expect(load(`params: {targetKinds: ${bad}}`)).toThrow(/team\.yaml: params\.targetKinds.*must be a list of \{group: string, kind: string\}/);
      }
      expect(load('params: {reservedOptionKeys: [5]}')).toThrow(/team\.yaml: params\.reservedOptionKeys must be a list of strings.*params\.reservedOptionKeys\[0\] is a number/);
      expect(load('params: {reservedOptionKeys: [minVersion]}')).not.toThrow();
    });

    it('reads the config from a file and says which file is missing', () => {
      const dir = mkdtempSync(join(tmpdir(), 'btls-config-'));
      writeFileSync(join(dir, 'btls.yaml'), 'ruleset: crd\n');
      expect(loadEngine({ configFile: join(dir, 'btls.yaml') }).ruleset).toBe('crd');
      expect(() => loadEngine({ configFile: join(dir, 'missing.yaml') })).toThrow(/cannot read config .*missing.yaml: no such file/);
    });

    it('rejects an unknown rule set by name', () => {
      expect(() => loadEngine({ ruleset: 'strict' })).toThrow(/unknown rule set 'strict' \(known: crd, default\)/);
    });
  });
});

describe('the size ceiling of --crd-rules auto', () => {
  const auto = loadEngine({ crdRules: 'auto' });
  const withUri = (uri: string) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'BackendTLSPolicy',
    metadata: { name: 'p', namespace: 'default' },
    spec: {
      targetRefs: [{ group: '', kind: 'Service', name: 'b' }],
      validation: { hostname: 'a.example.com', wellKnownCACertificates: 'System', subjectAltNames: [{ type: 'URI', uri }] },
    },
  });

  it('refuses an oversized value on UPDATE too, where an unchanged one would otherwise be let through', () => {
    const big = withUri(`https://${'a'.repeat(2000)}`);
    const found = auto.evaluate(big, { operation: 'UPDATE', oldObject: big });
    expect(found.map((f) => `${f.field}: ${f.message}`)).toContain('spec.validation.subjectAltNames[0].uri: Too long: may not be more than 1012 bytes');
    expect(found.every((f) => f.rule === 'size-ceiling' || f.rule === 'crd-rules-not-checked')).toBe(true);
  });

  it('bounds the keys of spec.options too (the CRD cannot; Gateway API types them at 253 characters)', () => {
    const p = withUri('https://a.example.com');
    (p.spec as Record<string, unknown>).options = { [`example.com/${'k'.repeat(1001)}`]: 'v', 'example.com/ok': 'v' };
    expect(strings(auto.evaluate(p, { operation: 'CREATE' })).filter((s) => !s.startsWith('<nil>'))).toEqual(['spec.options: Too long: may not be more than 1012 bytes']);
  });

  it('lets a value between the CRD limit and the ceiling reach the rules (the apiserver has judged it already)', () => {
    const found = auto.evaluate(withUri(`https://${'a'.repeat(300)}`), { operation: 'CREATE' });
    expect(found.filter((f) => f.severity === 'deny')).toEqual([]);
  });
});

describe('ObjectMeta checks beyond names, labels and annotations', () => {
  const crd = loadEngine({ ruleset: 'crd' });
  it('refuses a second controller owner with the apiserver message (its value, Go pointers and all, is not reproducible)', () => {
    const p = policy((o) => {
      o.metadata.ownerReferences = [
        { apiVersion: 'v1', kind: 'A', name: 'x', uid: '1', controller: true },
        { apiVersion: 'v1', kind: 'B', name: 'y', uid: '2', controller: true },
        { apiVersion: 'v1', kind: 'C', name: 'z', uid: '3', controller: true },
      ];
    });
    expect(crd.evaluate(p).map((f) => `${f.field}: ${f.message}`)).toEqual([
      'metadata.ownerReferences: Invalid value: "array": Only one reference can have Controller set to true. Found "true" in references for A/x and B/y',
      'metadata.ownerReferences: Invalid value: "array": Only one reference can have Controller set to true. Found "true" in references for A/x and C/z',
    ]);
  });

  it('reads a null owner reference as an empty one, as Go decodes it', () => {
    const found = crd.evaluate(policy((o) => (o.metadata.ownerReferences = [null]))).map((f) => f.field);
    expect(found).toEqual(['metadata.ownerReferences.apiVersion', 'metadata.ownerReferences.kind', 'metadata.ownerReferences.name', 'metadata.ownerReferences.uid']);
  });
});

it('leaves an empty wellKnownCACertificates to the CRD, without a second, warning report', () => {
  const found = loadEngine().evaluate(policy((p) => (p.spec.validation.wellKnownCACertificates = '')));
  expect(found.some((f) => f.rule === 'crd-schema-min-length' || f.rule.startsWith('crd-'))).toBe(true);
  expect(found.filter((f) => f.rule === 'well-known-ca-system')).toEqual([]);
});
