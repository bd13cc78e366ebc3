// Issue 5, part 2: the webhook in the path. `btls serve` runs on loopback (free port, serving cert from
// `btls certs --url https://127.0.0.1:PORT`), and the webhook configurations rendered by
// `btls certs --render-webhooks` (from manifests/base/webhooks.yaml: url clientConfig + caBundle) are
// registered with the real kube-apiserver. Then `kubectl apply -f -` does what users do.
//
// Isolation: the configurations are renamed `<name>-e2e-<run>` and their namespaceSelector is replaced by
// a label only this file's namespaces carry, so a concurrent test in other namespaces is never judged (or
// blocked while the webhook is down). They are cluster-scoped: afterAll deletes them even when a test fails.
//
// What the apiserver really does (asserted below):
//  - mutating webhooks run first, then the CRD's schema and CEL validation, then validating webhooks:
//    six SANs and both CA sources are refused by the CRD validation before /validate is called (the same
//    strings btls's crd rules produce); the other violations are refused by the btls validating webhook;
//  - kubectl's default strict field validation refuses a `namespace` on a ref while decoding (HTTP 400),
//    before any admission; with --validate=false the unknown field is pruned while decoding, so the
//    webhook (and the stored object) never see it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { dump, loadAll } from 'js-yaml';
import { apiDryRun, clusterUp, freshNamespace, kubectl } from './lib/cluster.js';
import { btls, freePort, startServe, type Served } from './lib/btls.js';
import { loadEngine } from '../../src/rules/engine.js';

const up = await clusterUp();
if (!up && process.env.BTLS_E2E_REQUIRED === '1') throw new Error('no e2e cluster: run test/e2e/cluster.sh up');
const d = up ? describe : describe.skip;

type Obj = Record<string, unknown>;
const run = randomBytes(4).toString('hex');
const selectorLabel = 'btls-e2e-webhook';

const policy = (name: string, spec: { targetRefs?: unknown[]; validation?: Obj; [k: string]: unknown } = {}) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'BackendTLSPolicy',
  metadata: { name },
  spec: {
    targetRefs: [{ group: '', kind: 'Service', name: 'backend' }],
    ...spec,
    validation: { hostname: 'backend.example.com', caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca' }], ...(spec.validation ?? {}) },
  },
});
const json = (o: unknown) => JSON.stringify(o);
const notChecked = '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function webhookNamespace(prefix: string): Promise<string> {
  const ns = await freshNamespace(prefix);
  const r = await kubectl(['label', 'namespace', ns, `${selectorLabel}=${run}`]);
  if (r.code !== 0) throw new Error(`label ${ns}: ${r.stderr}`);
  return ns;
}

async function apply(ns: string, obj: unknown, extra: string[] = []) {
  return kubectl(['apply', '-f', '-', ...extra], { namespace: ns, stdin: json(obj) });
}

async function getPolicy(ns: string, name: string): Promise<Obj | undefined> {
  const r = await kubectl(['get', 'backendtlspolicy', name, '-o', 'json'], { namespace: ns });
  return r.code === 0 ? (JSON.parse(r.stdout) as Obj) : undefined;
}

/** Retry fn until ok() holds (the apiserver picks webhook configuration changes up asynchronously). */
async function eventually<T>(fn: () => Promise<T>, ok: (t: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last = await fn();
  while (!ok(last) && Date.now() < end) {
    await sleep(300);
    last = await fn();
  }
  return last;
}

d('btls webhook in the kube-apiserver path', () => {
  const engine = loadEngine({ ruleset: 'default', crdRules: 'auto' }); // what `btls serve` runs by default
  let dir = '';
  let port = 0;
  let server: Served | undefined;
  let configs: Obj[] = [];
  const names: [string, string][] = []; // [resource, name]
  let ns = '';

  const register = async () => {
    const r = await kubectl(['apply', '-f', '-'], { stdin: configs.map((c) => dump(c)).join('---\n') });
    if (r.code !== 0) throw new Error(`registering the webhooks failed: ${r.stderr}`);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'btls-webhook-'));
    port = await freePort();
    const url = `https://127.0.0.1:${port}`;
    const certs = await btls(['certs', '--url', url, '--out', dir, '--render-webhooks', join(dir, 'webhooks.yaml')]);
    if (certs.code !== 0) throw new Error(`btls certs failed (${certs.code}): ${certs.stderr}`);
    configs = (loadAll(readFileSync(join(dir, 'webhooks.yaml'), 'utf8')) as Obj[]).filter(Boolean);
    for (const c of configs) {
      const md = c.metadata as Obj;
      md.name = `${String(md.name)}-e2e-${run}`;
      names.push([c.kind === 'ValidatingWebhookConfiguration' ? 'validatingwebhookconfiguration' : 'mutatingwebhookconfiguration', String(md.name)]);
      for (const w of c.webhooks as Obj[]) w.namespaceSelector = { matchLabels: { [selectorLabel]: run } };
    }
    writeFileSync(join(dir, 'webhooks-e2e.yaml'), configs.map((c) => dump(c)).join('---\n'));
    server = await startServe(['--host', '127.0.0.1', '--port', String(port), '--tls-cert', join(dir, 'tls-cert.pem'), '--tls-key', join(dir, 'tls-key.pem'), '--log-level', 'warn']);
    await register();
    ns = await webhookNamespace('webhook');
    // wait until the apiserver calls the webhook (IP hostname: only the webhook refuses it)
    const probe = await eventually(
      () => apiDryRun(policy('probe', { validation: { hostname: '10.0.0.1' } }), { namespace: ns }),
      (r) => !r.allowed,
    );
    if (probe.allowed) throw new Error('the webhook was registered but the apiserver never called it');
  }, 60_000);

  afterAll(async () => {
    for (const [res, name] of names) await kubectl(['delete', res, name, '--ignore-not-found', '--wait=false']);
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  test('btls certs rendered url clientConfigs with the caBundle of the CA that signed the serving cert', () => {
    expect(configs.map((c) => c.kind).sort()).toEqual(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);
    const bundle = readFileSync(join(dir, 'ca-bundle.b64'), 'utf8').trim();
    const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
    expect(Buffer.from(bundle, 'base64').toString('utf8').trim()).toBe(ca.trim());
    for (const c of configs) {
      for (const w of c.webhooks as { clientConfig: { url?: string; service?: unknown; caBundle?: string } }[]) {
        expect(w.clientConfig.service).toBeUndefined();
        expect(w.clientConfig.url).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:${port}/(validate|mutate)$`));
        expect(w.clientConfig.caBundle).toBe(bundle);
      }
    }
  });

  // [name, object, field named in the message, what refuses it, exact error lines (kubectl's) when known]
  const violations: [string, Obj, string, 'webhook' | 'crd' | 'decoding', string[] | null][] = [
    ['ip-hostname', policy('ip-hostname', { validation: { hostname: '10.1.2.3' } }), 'spec.validation.hostname', 'webhook',
      ['spec.validation.hostname: Invalid value: "10.1.2.3": must be a DNS name, not an IP address']],
    ['wildcard-san', policy('wildcard-san', { validation: { subjectAltNames: [{ type: 'Hostname', hostname: '*.example.com' }] } }), 'spec.validation.subjectAltNames[0].hostname', 'webhook', null],
    ['six-sans', policy('six-sans', { validation: { subjectAltNames: [1, 2, 3, 4, 5, 6].map((i) => ({ type: 'Hostname', hostname: `h${i}.example.com` })) } }), 'spec.validation.subjectAltNames', 'crd',
      ['spec.validation.subjectAltNames: Too many: 6: must have at most 5 items', notChecked]],
    ['both-ca', policy('both-ca', { validation: { wellKnownCACertificates: 'System' } }), 'spec.validation', 'crd',
      ['spec.validation: Invalid value: "object": must not contain both CACertificateRefs and WellKnownCACertificates']],
    ['two-targetrefs', policy('two-targetrefs', { targetRefs: [{ group: '', kind: 'Service', name: 'a' }, { group: '', kind: 'Service', name: 'b' }] }), 'spec.targetRefs', 'webhook', null],
    ['non-service-target', policy('non-service-target', { targetRefs: [{ group: 'multicluster.x-k8s.io', kind: 'ServiceImport', name: 'backend' }] }), 'spec.targetRefs[0]', 'webhook', null],
    ['cross-namespace-ref', policy('cross-namespace-ref', { targetRefs: [{ group: '', kind: 'Service', name: 'backend', namespace: 'other' }] }), 'spec.targetRefs[0].namespace', 'decoding', null],
  ];

  describe.each([
    ['kubectl apply', [] as string[]],
    ['kubectl apply --dry-run=server', ['--dry-run=server']],
  ])('%s', (_label, extra) => {
    test.each(violations)('%s is refused with a message naming the field', async (name, obj, field, by, exact) => {
      const r = await apply(ns, obj, extra);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(field);
      if (exact) for (const line of exact) expect(r.stderr).toContain(line);
      // who refused it: the API's message says so for webhook denials
      const api = await apiDryRun({ ...obj, metadata: { name } }, { namespace: ns });
      expect(api.allowed).toBe(false);
      if (by === 'webhook') {
        expect(api.message).toContain('admission webhook "validate.btls.gateway.networking.k8s.io" denied the request');
        // the webhook's causes pass through unchanged: exactly the default rule set's deny findings
        const want = engine
          .evaluate({ ...obj, metadata: { name, namespace: ns } }, { operation: 'CREATE' })
          .filter((f) => f.severity === 'deny')
          .map((f) => `${f.field}: ${f.message}`);
        expect(want.length).toBeGreaterThan(0);
        expect(want.every((e) => e.startsWith(field))).toBe(true);
        expect([...api.errors].sort()).toEqual([...want].sort());
        for (const e of want) expect(r.stderr).toContain(e);
      } else if (by === 'crd') {
        expect(api.message).not.toContain('admission webhook');
        expect(api.code).toBe(422);
      } else {
        expect(api.code).toBe(400);
        expect(r.stderr).toContain(`strict decoding error: unknown field "${field}"`);
      }
      expect(await getPolicy(ns, name)).toBeUndefined();
    });
  });

  test('a namespace on a ref never reaches the webhook: with --validate=false it is pruned while decoding', async () => {
    const r = await apply(ns, policy('pruned-namespace', { targetRefs: [{ group: '', kind: 'Service', name: 'backend', namespace: 'other' }] }), ['--validate=false']);
    expect(r.code).toBe(0);
    const stored = await getPolicy(ns, 'pruned-namespace');
    expect((stored?.spec as { targetRefs: Obj[] }).targetRefs).toEqual([{ group: '', kind: 'Service', name: 'backend' }]);
  });

  test('good policies apply and are stored unchanged', async () => {
    const good = [
      policy('good-configmap'),
      policy('good-wellknown', { validation: { caCertificateRefs: undefined, wellKnownCACertificates: 'System' } }),
      policy('good-sans', { validation: { subjectAltNames: [{ type: 'Hostname', hostname: 'a.example.com' }, { type: 'URI', uri: 'spiffe://cluster.local/ns/a/sa/b' }] } }),
    ];
    for (const g of good) {
      const r = await apply(ns, g);
      expect({ name: g.metadata.name, code: r.code, stderr: r.stderr }).toEqual({ name: g.metadata.name, code: 0, stderr: '' });
      const stored = await getPolicy(ns, g.metadata.name);
      expect(stored?.spec).toEqual(JSON.parse(JSON.stringify(g.spec)));
    }
  });

  test('warnings (caCertificateRefs of kind Secret) reach kubectl stderr, and the policy applies', async () => {
    const obj = policy('warn-secret', { validation: { caCertificateRefs: [{ group: '', kind: 'Secret', name: 'ca' }] } });
    for (const extra of [['--dry-run=server'], []]) {
      const r = await apply(ns, obj, extra);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^Warning: .*spec\.validation\.caCertificateRefs\[0\].*is not a core ConfigMap/m);
    }
    expect(await getPolicy(ns, 'warn-secret')).toBeDefined();
  });

  test('mutation: upper-case hostname with a trailing dot and a Service target without group are stored canonical', async () => {
    const obj = policy('mutated', { targetRefs: [{ kind: 'Service', name: 'backend' }], validation: { hostname: 'Backend.Example.COM.' } });
    // server dry run: the answer shows the mutated object, nothing is stored
    const dry = await apply(ns, obj, ['--dry-run=server', '-o', 'json']);
    expect(dry.code).toBe(0);
    const dryObj = JSON.parse(dry.stdout) as { spec: { targetRefs: Obj[]; validation: Obj } };
    expect(dryObj.spec.validation.hostname).toBe('backend.example.com');
    expect(dryObj.spec.targetRefs[0]).toEqual({ group: '', kind: 'Service', name: 'backend' });
    expect(await getPolicy(ns, 'mutated')).toBeUndefined();
    const r = await apply(ns, obj);
    expect(r.code).toBe(0);
    const stored = (await getPolicy(ns, 'mutated')) as { spec: { targetRefs: Obj[]; validation: Obj } };
    expect(stored.spec.validation.hostname).toBe('backend.example.com');
    expect(stored.spec.targetRefs[0]).toEqual({ group: '', kind: 'Service', name: 'backend' });
  });

  test('mutation runs on UPDATE too', async () => {
    await apply(ns, policy('updated'));
    const r = await apply(ns, policy('updated', { validation: { hostname: 'UPPER.example.com' } }));
    expect(r.code).toBe(0);
    expect(((await getPolicy(ns, 'updated'))?.spec as { validation: Obj }).validation.hostname).toBe('upper.example.com');
  });

  test('webhook down: failurePolicy Fail blocks applies with a clear error, Ignore lets them through', async () => {
    await server!.stop();
    const obj = policy('while-down');
    const blocked = await eventually(() => apply(ns, obj), (r) => r.code !== 0, 10_000);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toMatch(/failed calling webhook "(mutate|validate)\.btls\.gateway\.networking\.k8s\.io"/);
    expect(blocked.stderr).toMatch(/connection refused/);
    const blockedDry = await apply(ns, obj, ['--dry-run=server']);
    expect(blockedDry.code).not.toBe(0);
    expect(blockedDry.stderr).toMatch(/failed calling webhook/);
    expect(await getPolicy(ns, 'while-down')).toBeUndefined();

    for (const [res, name] of names) {
      const p = await kubectl(['patch', res, name, '--type=json', '-p', json([{ op: 'replace', path: '/webhooks/0/failurePolicy', value: 'Ignore' }])]);
      expect(p.code).toBe(0);
    }
    const through = await eventually(() => apply(ns, obj), (r) => r.code === 0, 15_000);
    expect({ code: through.code, stderr: through.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await getPolicy(ns, 'while-down')).toBeDefined();
    // nothing judges now: an IP hostname passes (the CRD allows it), and nothing mutates
    const ip = await apply(ns, policy('ip-while-down', { validation: { hostname: 'Upper.example.com' } }));
    expect(ip.code).not.toBe(0); // the CRD pattern still refuses upper case: no mutation happened
    expect(ip.stderr).toContain('spec.validation.hostname: Invalid value: "Upper.example.com"');
    const ip2 = await apply(ns, policy('ip-while-down', { validation: { hostname: '10.1.2.3' } }));
    expect(ip2.code).toBe(0);
  }, 60_000);
});
