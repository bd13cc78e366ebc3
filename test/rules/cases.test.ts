import { defaultRulesDir, loadEngine } from '../../src/rules/engine.js';
import { loadCases } from '../../src/rules/cases.js';
import { loadRuleTable } from '../../src/rules/table.js';
import type { KubeObject, ReferenceIndex } from '../../src/rules/types.js';

const rules = loadRuleTable(defaultRulesDir);
const cases = loadCases(defaultRulesDir, rules);
const engines = { crd: loadEngine({ ruleset: 'crd' }), default: loadEngine({ ruleset: 'default' }) };
// the webhook's default mode: the CRD's schema and rules are left to the apiserver
const autoEngines = { crd: loadEngine({ ruleset: 'crd', crdRules: 'auto' }), default: loadEngine({ ruleset: 'default', crdRules: 'auto' }) };

function index(objects: KubeObject[]): ReferenceIndex {
  const find = (kind: string) => (ns: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata?.name === name && (o.metadata?.namespace ?? 'default') === ns);
  return { configMap: find('ConfigMap'), service: find('Service') };
}

describe.each(rules.map((r) => [r.id, r] as const))('%s', (id) => {
  const mine = cases.filter((c) => c.rule === id);
  const validations = rules.find((r) => r.id === id)!;
  if (validations.mutation) {
    it('is a mutation: tested in mutations.test.ts', () => expect(validations.mutation?.value).toBeTruthy());
    return;
  }
  it('has at least one case that breaks it', () => {
    // refs-ca-certificate-validity needs a dated certificate: its cases are in references.test.ts
    if (id === 'refs-ca-certificate-validity') return;
    expect(mine.some((c) => c.want.length > 0)).toBe(true);
  });
  if (mine.length === 0) return;
  it.each(mine.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const engine = (c.crdRules === 'auto' ? autoEngines : engines)[c.ruleset as 'crd' | 'default'];
    const got = engine
      .evaluate(c.object, c.references ? { references: index(c.references) } : {})
      .filter((f) => c.want.length === 0 ? f.severity === 'deny' || f.rule === id : true)
      .map((f) => `${f.field}: ${f.message}`);
    if (c.want.length === 0) {
      expect(got.filter((g) => g)).toEqual([]);
      return;
    }
    for (const w of c.want) expect(got).toContainEqual(expect.stringContaining(w));
  });
});

describe('the rule catalogue', () => {
  it('has a rule file for every id the engine reports on its own (schema keywords, unknown fields, ...)', async () => {
    const { builtinRuleIds } = await import('../../src/rules/engine.js');
    const ids = new Set(rules.map((r) => r.id));
    expect(builtinRuleIds.length).toBeGreaterThanOrEqual(16);
    expect(builtinRuleIds.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('lists every rule in rules/README.md and nothing else', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(`${defaultRulesDir}/README.md`, 'utf8');
    const listed = [...doc.matchAll(/^\| \[([a-z0-9-]+)\]/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(rules.map((r) => r.id).sort());
  });
});
