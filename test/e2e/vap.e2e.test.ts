// btls vap against the real kube-apiserver: with only the rendered ValidatingAdmissionPolicies installed (no
// webhook), every corpus object that the CRD admits is denied exactly when the webhook's rule set denies it by
// one of the rules the policy carries, with that rule's message.
import { generateCorpus, type CorpusCase } from './corpus/generate.js';
import { apiDryRun, clusterUp, freshNamespace, kubectl, type ApiDryRunResult } from './lib/cluster.js';
import { mapLimit } from './lib/parity.js';
import { installVap, vapDifference, vapRules, type VapSetup } from './lib/vap.js';

const up = await clusterUp();
if (!up && process.env.BTLS_E2E_REQUIRED === '1') throw new Error('no e2e cluster: run test/e2e/cluster.sh up');
const d = up ? describe : describe.skip;

const cases = generateCorpus().filter((c) => !c.rawEdits);
// the rule of each validation, in the policy's order (the apiserver reports the first that fails)
const { ruleOfValidation } = vapRules('btls-e2e');

d('btls vap in a real apiserver', () => {
  let ns = '';
  let setup: VapSetup;
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
    // policies are cluster-wide: installVap binds them to this test's namespace only, so that no other suite meets
    // them (deleting a policy takes a while to reach the apiserver's admission cache), and waits until a known
    // violation is denied
    const probe = { ...cases[0].object, metadata: { name: 'vap-probe', namespace: ns }, spec: { targetRefs: [{ group: '', kind: 'Service', name: 'a' }], validation: { hostname: '10.1.2.3', wellKnownCACertificates: 'System' } } };
    setup = await installVap('btls-e2e', ns, probe);
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
      const object = { ...c.object, metadata: { ...(c.object.metadata as object), namespace: ns } };
      // undefined: the CRD (schema, CEL, decoding) rejected it before any admission policy ran
      const v = vapDifference(setup, object, r);
      if (!v) continue;
      compared++;
      if (v.denied) denied++;
      if (v.diff) differences.push(`${c.id}: ${v.diff}`);
    }
    expect(differences).toEqual([]);
    expect(compared).toBeGreaterThan(100);
    expect(denied).toBeGreaterThan(5);
  });
});
