// `btls vap` in a real apiserver, shared by vap.e2e.test.ts and fuzz-parity.e2e.test.ts: install the rendered
// ValidatingAdmissionPolicies bound to one namespace, and compare the apiserver's answer for an object the CRD
// admits with what the webhook's rule set (default) says by the rules the deny policy carries.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { loadEngine } from '../../../src/rules/engine.js';
import { loadRuleTable } from '../../../src/rules/table.js';
import { emptyConfig } from '../../../src/rules/config.js';
import { renderVap } from '../../../src/vap/render.js';
import type { Engine } from '../../../src/rules/types.js';
import { apiDryRun, kubectl, repoRoot, type ApiDryRunResult } from './cluster.js';

export interface VapSetup {
  /** the rule id of each validation of the deny policy, in the policy's order (the apiserver reports the first that fails) */
  ruleOfValidation: string[];
  engine: Engine;
  /** true when the answer is a denial by this setup's deny policy */
  byVap(r: ApiDryRunResult): boolean;
}

/** The rule of each validation of `btls vap --name NAME`'s deny policy, without a cluster. */
export function vapRules(name: string): VapSetup {
  const rules = loadRuleTable(join(repoRoot, 'rules'));
  const rendered = renderVap(rules, { ruleset: 'default', config: emptyConfig(), name });
  const denyPolicy = rendered.objects.find((o) => o.kind === 'ValidatingAdmissionPolicy' && String((o.metadata as { name: string }).name).startsWith(`${name}-deny`))!;
  const validations = (denyPolicy.spec as { validations: Array<{ message: string }> }).validations;
  const ruleOfValidation = validations.map((v) => rules.find((r) => v.message === `${r.path.replace(/\[\*\]/g, '[]')}: ${r.message}`)!.id);
  const re = new RegExp(`ValidatingAdmissionPolicy '${name}-deny`);
  return { ruleOfValidation, engine: loadEngine({ ruleset: 'default' }), byVap: (r) => re.test(r.message) };
}

/**
 * `btls vap --name NAME` applied, each binding limited to namespace ns (policies are cluster-wide; other suites
 * must not meet them), then waits until the apiserver has compiled them: a known violation (`probe`, an object
 * in ns) is denied by the deny policy.
 */
export async function installVap(name: string, ns: string, probe: object): Promise<VapSetup> {
  const setup = vapRules(name);
  const yaml = execFileSync(process.execPath, [join(repoRoot, 'bin', 'btls'), 'vap', '--name', name], { encoding: 'utf8' });
  const objects = (loadAll(yaml) as Array<{ kind: string; spec: Record<string, unknown> }>).filter(Boolean);
  for (const o of objects) {
    if (o.kind === 'ValidatingAdmissionPolicyBinding') o.spec.matchResources = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } };
  }
  const applied = await kubectl(['apply', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
  if (applied.code !== 0 || applied.stderr !== '') throw new Error(`kubectl apply of btls vap failed: ${applied.stderr}`);
  for (let i = 0; i < 60; i++) {
    if (setup.byVap(await apiDryRun(probe, { namespace: ns }))) return setup;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the ValidatingAdmissionPolicies did not take effect within 30 s');
}

/**
 * '' when the apiserver's answer `r` for `object` (in the VAP's namespace) is what the webhook's rules give:
 * denied by the first rule of the policy that the webhook denies by, with one of its messages, or admitted
 * when none does. `undefined` when the CRD itself refused the object (no admission policy ran).
 */
export function vapDifference(setup: VapSetup, object: object, r: ApiDryRunResult): { denied: boolean; diff: string } | undefined {
  if (!r.allowed && !setup.byVap(r)) return undefined;
  const findings = setup.engine.evaluate(object).filter((f) => f.severity === 'deny' && setup.ruleOfValidation.includes(f.rule));
  const first = setup.ruleOfValidation.find((id) => findings.some((f) => f.rule === id));
  if (!first) return { denied: false, diff: r.allowed ? '' : `the VAP denied (${r.message}) but the webhook's rules would not` };
  const expected = findings.filter((f) => f.rule === first).map((f) => f.message.replace(/^Invalid value: ("(?:[^"\\]|\\.)*"|\S+): /, ''));
  if (r.allowed) return { denied: true, diff: `the webhook denies by ${first} (${JSON.stringify(expected)}) but the VAP admitted it` };
  if (!expected.some((m) => r.message.includes(m))) return { denied: true, diff: `expected ${first}: ${JSON.stringify(expected)} in ${JSON.stringify(r.message)}` };
  return { denied: true, diff: '' };
}
