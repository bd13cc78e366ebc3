// Behaviour of the engine that the shipped rule table does not exercise: a small table of its own pins it.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngine } from '../../src/rules/engine.js';

const match = '{group: gateway.networking.k8s.io, kind: BackendTLSPolicy}';
function table(rules: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'btls-table-'));
  mkdirSync(join(dir, 't'));
  for (const [id, body] of Object.entries(rules)) writeFileSync(join(dir, 't', `${id}.yaml`), `id: ${id}\nsets: [t]\nmatch: ${match}\nseverity: deny\n${body}\n`);
  return dir;
}

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
const strings = (fs: Array<{ field: string; message: string }>) => fs.map((f) => `${f.field}: ${f.message}`);

describe('transition rules (oldSelf)', () => {
  const engine = loadEngine({
    ruleset: 't',
    crdRules: 'skip',
    rulesDir: table({ 'hostname-immutable': 'path: spec.validation\nrule: self.hostname == oldSelf.hostname\nmessage: hostname is immutable' }),
  });
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
  const engine = loadEngine({
    ruleset: 't',
    crdRules: 'skip',
    rulesDir: table({
      'root-rule': "path: .\nrule: \"self.metadata.name != 'root'\"\nmessage: root refused",
      'first-ref': "path: spec.targetRefs\nrule: \"self[0].name != 'first'\"\nfieldPath: '[0]'\nmessage: first refused",
      'ref-name': "path: spec.targetRefs[*]\nrule: \"self.name != 'named'\"\nfieldPath: .name\nmessage: name refused",
    }),
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
