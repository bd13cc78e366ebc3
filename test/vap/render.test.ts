import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { compileCel } from '../../src/rules/cel/compile.js';
import { emptyConfig, parseRuleConfig } from '../../src/rules/config.js';
import { loadCases } from '../../src/rules/cases.js';
import { defaultRulesDir, loadEngine } from '../../src/rules/engine.js';
import { loadRuleTable } from '../../src/rules/table.js';
import { renderVap } from '../../src/vap/render.js';

const rules = loadRuleTable(defaultRulesDir);
const rendered = renderVap(rules, { ruleset: 'default', config: emptyConfig(), name: 'btls' });
type Validation = { expression: string; message: string; messageExpression?: string };
const validations = (severity: 'deny' | 'warn') =>
  ((rendered.objects.find((o) => (o.metadata as { name: string }).name === `btls-${severity}.gateway.networking.k8s.io` && o.kind === 'ValidatingAdmissionPolicy')
    ?.spec as { validations: Validation[] })?.validations ?? []);

describe('btls vap', () => {
  it('renders a denying and a warning policy, each with its binding', () => {
    expect(rendered.objects.map((o) => `${o.kind} ${(o.metadata as { name: string }).name}`)).toEqual([
      'ValidatingAdmissionPolicy btls-deny.gateway.networking.k8s.io',
      'ValidatingAdmissionPolicyBinding btls-deny.gateway.networking.k8s.io',
      'ValidatingAdmissionPolicy btls-warn.gateway.networking.k8s.io',
      'ValidatingAdmissionPolicyBinding btls-warn.gateway.networking.k8s.io',
    ]);
  });

  it('leaves out what cannot run in-cluster, and says why', () => {
    const why = Object.fromEntries(rendered.leftOut.map((l) => [l.rule, l.why]));
    expect(why['san-uri-absolute']).toMatch(/calls isAbsoluteURI\(\)/);
    expect(why['refs-ca-configmap-found']).toMatch(/referential/);
    expect(why['mutate-hostname-canonical']).toMatch(/mutation/);
    expect(why['crd-schema-pattern']).toMatch(/enforced by the CRD/);
    expect(rendered.included).toEqual(expect.arrayContaining(['hostname-not-ip', 'single-target-ref', 'target-kind-allowed', 'well-known-ca-system']));
  });

  it('writes config params into the expressions', () => {
    const config = parseRuleConfig("params: {targetKinds: [{group: example.io, kind: Backend}]}", 'c.yaml');
    const r = renderVap(rules, { ruleset: 'default', config, name: 'btls' });
    expect(JSON.stringify(r.objects)).toContain('example.io');
  });

  // Every rendered expression, run by btls's own CEL engine with `object` bound as the apiserver binds it,
  // must deny exactly the cases the engine denies for that rule (the e2e suite proves it on a real apiserver).
  const engine = loadEngine();
  // rules/_base.yaml, the known-good object every case patches
  const validObject = { ...(load(readFileSync(`${defaultRulesDir}/_base.yaml`, 'utf8')) as Record<string, any>) };
  validObject.metadata = { namespace: 'default', ...validObject.metadata };
  const cases = loadCases(defaultRulesDir, rules).filter((c) => rendered.included.includes(c.rule) && !c.references);
  it.each(cases.map((c) => [`${c.rule}: ${c.name}`, c] as const))('%s', (_n, c) => {
    const spec = rules.find((r) => r.id === c.rule)!;
    const mine = validations(spec.severity).filter((v) => v.message === `${spec.path.replace(/\[\*\]/g, "[]")}: ${spec.message}`);
    expect(mine).toHaveLength(1);
    const object = { ...c.object, metadata: { namespace: 'default', ...c.object.metadata } };
    const passes = compileCel(mine[0].expression)({ object });
    const engineFinds = engine.evaluate(object).some((f) => f.rule === c.rule);
    expect(passes).toBe(!engineFinds);
    // on UPDATE the policy ratchets as the webhook does: an unchanged violation does not block, a new one does
    const same = compileCel(mine[0].expression)({ object, oldObject: structuredClone(object) });
    const engineOnUpdate = engine.evaluate(object, { operation: 'UPDATE', oldObject: structuredClone(object) }).some((f) => f.rule === c.rule);
    expect(same).toBe(!engineOnUpdate);
    expect(same).toBe(true);
    const fromValid = compileCel(mine[0].expression)({ object, oldObject: validObject });
    expect(fromValid).toBe(!engine.evaluate(object, { operation: 'UPDATE', oldObject: validObject }).some((f) => f.rule === c.rule));
    expect(fromValid).toBe(passes);
    if (!passes && mine[0].messageExpression) {
      const msg = compileCel(mine[0].messageExpression)({ object });
      expect(typeof msg).toBe('string');
      const engineMessage = engine.evaluate(object).find((f) => f.rule === c.rule)!.message;
      expect(msg).toContain(engineMessage.replace(/^Invalid value: [^:]+: /, ''));
      // kubectl prints only the message: like every static one, it must name the field first
      expect(msg).toMatch(new RegExp(`^${spec.path.replace(/\[\*\].*$/, '').replace(/[.[\]]/g, '\\$&')}: `));
    }
  });

  // The apiserver iterates a map in Go's random order: listing keys in the order met would make the VAP's message
  // change from one request to the next, and differ from check's (the source order). Both list them sorted.
  it('lists the failing option keys in the same, sorted order in check and in the VAP, whatever the input order', () => {
    const spec = rules.find((r) => r.id === 'option-key-prefixed')!;
    const vap = validations(spec.severity).find((v) => v.message === `${spec.path}: ${spec.message}`)!;
    const keys = ['zeta', 'example.com/ok', 'mid', 'alpha'];
    const messages = [keys, [...keys].reverse()].map((order) => {
      const object = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'BackendTLSPolicy', metadata: { name: 'p', namespace: 'default' },
        spec: { targetRefs: [{ group: '', kind: 'Service', name: 's' }], validation: { hostname: 'a.example.com', wellKnownCACertificates: 'System' },
          options: Object.fromEntries(order.map((k) => [k, 'v'])) } };
      const fromCheck = engine.evaluate(object).find((f) => f.rule === spec.id)!.message.replace(/^Invalid value: "object": /, '');
      return { fromCheck, fromVap: compileCel(vap.messageExpression!)({ object }) as string };
    });
    expect(messages[1]).toEqual(messages[0]);
    expect(messages[0].fromVap).toBe(`spec.options: ${messages[0].fromCheck}`);
    const listed = /key\(s\) (.*) are neither/.exec(messages[0].fromCheck)![1].split(', ');
    expect(listed).toEqual(keys.filter((k) => !k.includes('/')).sort());
  });
});
