// btls vap against the real kube-apiserver: with only the rendered ValidatingAdmissionPolicies installed (no
// webhook), every corpus object that the CRD admits is denied exactly when the webhook's rule set denies it by
// one of the rules the policy carries, with that rule's message.
import { execFileSync } from 'node:child_process';
import { loadAll } from 'js-yaml';
import { join } from 'node:path';
import { generateCorpus, type CorpusCase } from './corpus/generate.js';
import { apiDryRun, clusterUp, freshNamespace, kubectl, repoRoot, type ApiDryRunResult } from './lib/cluster.js';
import { loadEngine } from '../../src/rules/engine.js';
import { loadRuleTable } from '../../src/rules/table.js';
import { emptyConfig } from '../../src/rules/config.js';
import { renderVap } from '../../src/vap/render.js';

const up = await clusterUp();
if (!up && process.env.BTLS_E2E_REQUIRED === '1') throw new Error('no e2e cluster: run test/e2e/cluster.sh up');
const d = up ? describe : describe.skip;

const cases = generateCorpus().filter((c) => !c.rawEdits);
const engine = loadEngine({ ruleset: 'default' });
const rendered = renderVap(loadRuleTable(join(repoRoot, 'rules')), { ruleset: 'default', config: emptyConfig(), name: 'btls-e2e' });
type Validation = { message: string };
const denyPolicy = rendered.objects.find((o) => o.kind === 'ValidatingAdmissionPolicy' && String((o.metadata as { name: string }).name).startsWith('btls-e2e-deny'))!;
const validations = (denyPolicy.spec as { validations: Validation[] }).validations;
const rules = loadRuleTable(join(repoRoot, 'rules'));
// the rule of each validation, in the policy's order (the apiserver reports the first that fails)
const ruleOfValidation = validations.map((v) => rules.find((r) => v.message === `${r.path.replace(/\[\*\]/g, '[]')}: ${r.message}`)!.id);

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

const byVap = (r: ApiDryRunResult) => /ValidatingAdmissionPolicy 'btls-e2e-deny/.test(r.message);

d('btls vap in a real apiserver', () => {
  let ns = '';
  const results = new Map<string, ApiDryRunResult>();

  // stored before the policies existed: UPDATEs that leave its violation alone must still go through
  const stored = () => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'BackendTLSPolicy',
    metadata: { name: 'vap-stored', namespace: ns },
    spec: { targetRefs: [{ group: '', kind: 'Service', name: 'a' }], validation: { hostname: '10.1.2.3', wellKnownCACertificates: 'System' } },
  });

  beforeAll(async () => {
    ns = await freshNamespace('vap');
    const created = await kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(stored()) });
    expect(created.code).toBe(0);
    const yaml = execFileSync(process.execPath, [join(repoRoot, 'bin', 'btls'), 'vap', '--name', 'btls-e2e'], { encoding: 'utf8' });
    // policies are cluster-wide: bind them to this test's namespace only, so that no other suite meets them
    // (deleting a policy takes a while to reach the apiserver's admission cache)
    const objects = (loadAll(yaml) as Array<{ kind: string; spec: Record<string, unknown> }>).filter(Boolean);
    for (const o of objects) {
      if (o.kind === 'ValidatingAdmissionPolicyBinding') o.spec.matchResources = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } };
    }
    const applied = await kubectl(['apply', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
    expect(applied.stderr).toBe('');
    // a policy takes effect once the apiserver has compiled it: wait until a known violation is denied
    const probe = { ...cases[0].object, metadata: { name: 'vap-probe', namespace: ns }, spec: { targetRefs: [{ group: '', kind: 'Service', name: 'a' }], validation: { hostname: '10.1.2.3', wellKnownCACertificates: 'System' } } };
    for (let i = 0; i < 60; i++) {
      if (byVap(await apiDryRun(probe, { namespace: ns }))) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const reviews = cases.map((c) => ({ c, o: { ...c.object, metadata: { ...(c.object.metadata as object), namespace: ns } } }));
    const answers = await mapLimit(reviews, 6, ({ o }) => apiDryRun(o, { namespace: ns }).catch(() => undefined));
    reviews.forEach(({ c }, i) => answers[i] && results.set(c.id, answers[i]!));
  }, 240_000);

  afterAll(async () => {
    await kubectl(['delete', 'validatingadmissionpolicybinding,validatingadmissionpolicy', '-l', 'app.kubernetes.io/managed-by=btls', '--ignore-not-found']);
  });

  it('ratchets on UPDATE as the webhook does: an unchanged violation does not block, a new one does', async () => {
    const label = await kubectl(['label', 'backendtlspolicy', 'vap-stored', '-n', ns, 'touched=yes']);
    expect(label.stderr).toBe('');
    expect(label.code).toBe(0);
    const changed = await kubectl(['patch', 'backendtlspolicy', 'vap-stored', '-n', ns, '--type', 'merge', '-p', '{"spec":{"validation":{"hostname":"10.9.9.9"}}}']);
    expect(changed.code).not.toBe(0);
    expect(changed.stderr).toMatch(/btls-e2e-deny/);
  });

  it('has a rendered deny policy with the in-cluster rules', () => {
    expect(ruleOfValidation).toEqual(expect.arrayContaining(['hostname-not-ip', 'single-target-ref', 'target-kind-allowed']));
  });

  it('denies with the webhook rule that fails first, and admits what the webhook admits, for the whole corpus', () => {
    const differences: string[] = [];
    let compared = 0;
    let denied = 0;
    for (const c of cases as CorpusCase[]) {
      const r = results.get(c.id);
      if (!r) continue;
      // the CRD (schema, CEL, decoding) rejected it before any admission policy ran
      if (!r.allowed && !byVap(r)) continue;
      compared++;
      const object = { ...c.object, metadata: { ...(c.object.metadata as object), namespace: ns } };
      const findings = engine.evaluate(object).filter((f) => f.severity === 'deny' && ruleOfValidation.includes(f.rule));
      const first = ruleOfValidation.find((id) => findings.some((f) => f.rule === id));
      if (!first) {
        if (!r.allowed) differences.push(`${c.id}: the VAP denied (${r.message}) but the webhook's rules would not`);
        continue;
      }
      denied++;
      const expected = findings.filter((f) => f.rule === first).map((f) => f.message.replace(/^Invalid value: ("(?:[^"\\]|\\.)*"|\S+): /, ''));
      if (r.allowed) differences.push(`${c.id}: the webhook denies by ${first} but the VAP admitted it`);
      else if (!expected.some((m) => r.message.includes(m))) differences.push(`${c.id}: expected ${first}: ${JSON.stringify(expected)} in ${JSON.stringify(r.message)}`);
    }
    expect(differences).toEqual([]);
    expect(compared).toBeGreaterThan(100);
    expect(denied).toBeGreaterThan(5);
  });
});
