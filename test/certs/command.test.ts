import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { run } from '../../src/cli/program.js';
import { caBundle, certificateInfo, isIssuedBy } from '../../src/certs/pki.js';
import { bufferIo, tempDir } from './helpers.js';

type Hook = {
  name: string;
  clientConfig: { caBundle: string; url?: string; service?: { name: string; namespace: string; path: string; port: number } };
  namespaceSelector: { matchExpressions: Array<{ key: string; operator: string; values: string[] }> };
};
type WebhookConfig = { kind: string; metadata: { name: string }; webhooks: Hook[] };

describe('btls certs', () => {
  let dir: string;
  let cleanup: () => void;

  beforeEach(() => {
    ({ dir, cleanup } = tempDir('cmd'));
  });
  afterEach(() => cleanup());

  it('writes a CA and a serving pair for the Service and prints the caBundle', async () => {
    const { io, stdout, stderr } = bufferIo(dir);
    const code = await run(['certs', '--service', 'btls', '--namespace', 'btls-system', '--out', 'out'], io);
    expect(code).toBe(0);
    const caPem = readFileSync(join(dir, 'out', 'ca.pem'), 'utf8');
    const certPem = readFileSync(join(dir, 'out', 'tls-cert.pem'), 'utf8');
    expect(stdout()).toBe(`${caBundle(caPem)}\n`);
    expect(readFileSync(join(dir, 'out', 'ca-bundle.b64'), 'utf8')).toBe(stdout());
    expect(isIssuedBy(caPem, certPem)).toBe(true);
    expect(statSync(join(dir, 'out', 'tls-key.pem')).mode & 0o777).toBe(0o600);
    const info = certificateInfo(certPem);
    expect(info.subject).toBe('CN=btls.btls-system.svc');
    expect(info.dnsNames).toEqual(['btls.btls-system.svc', 'btls.btls-system.svc.cluster.local', 'btls', 'btls.btls-system']);
    expect(info.ips).toEqual([]);
    expect(stderr()).toContain('tls-key.pem (0600)');
  });

  it('adds extra SANs, telling IP addresses from DNS names, lower-cased and without a trailing dot', async () => {
    const { io } = bufferIo(dir);
    const argv = ['certs', '--service', 'hook', '--namespace', 'ns', '--san', 'Web.Example.COM.', '--san', '10.1.2.3', '--san', 'fd00::1', '--days', '30'];
    expect(await run(argv, io)).toBe(0);
    const info = certificateInfo(readFileSync(join(dir, 'certs', 'tls-cert.pem'), 'utf8'));
    expect(info.dnsNames).toEqual(['hook.ns.svc', 'hook.ns.svc.cluster.local', 'hook', 'hook.ns', 'web.example.com']);
    expect(info.ips).toEqual(['10.1.2.3', 'fd00::1']);
    const days = (info.notAfter.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
  });

  it('renders the packaged webhook configurations with the bundle and the Service filled in', async () => {
    const { io, stdout } = bufferIo(dir);
    const argv = ['certs', '--service', 'hook', '--namespace', 'team-a', '--out', 'out', '--render-webhooks', 'hooks/webhooks.yaml'];
    expect(await run(argv, io)).toBe(0);
    const bundle = stdout().trim();
    const docs = loadAll(readFileSync(join(dir, 'hooks', 'webhooks.yaml'), 'utf8')) as WebhookConfig[];
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort()).toEqual([
      'MutatingWebhookConfiguration/btls-mutate',
      'ValidatingWebhookConfiguration/btls-validate',
    ]);
    for (const hook of docs.flatMap((d) => d.webhooks)) {
      expect(hook.clientConfig.caBundle).toBe(bundle);
      expect(hook.clientConfig.service).toMatchObject({ name: 'hook', namespace: 'team-a', port: 443 });
      // the webhook's own namespace stays excluded wherever it now lives
      expect(hook.namespaceSelector.matchExpressions).toContainEqual({
        key: 'kubernetes.io/metadata.name',
        operator: 'NotIn',
        values: ['team-a'],
      });
    }
    const paths = docs.flatMap((d) => d.webhooks.map((h) => h.clientConfig.service?.path)).sort();
    expect(paths).toEqual(['/mutate', '/validate']);
  });

  it('with --url, renders clientConfig.url for a webhook on loopback and puts the address in the certificate', async () => {
    const { io, stdout } = bufferIo(dir);
    const argv = ['certs', '--url', 'https://127.0.0.1:8443', '--out', 'e2e', '--render-webhooks', '-'];
    expect(await run(argv, io)).toBe(0);
    const docs = loadAll(stdout()) as WebhookConfig[];
    const bundle = caBundle(readFileSync(join(dir, 'e2e', 'ca.pem'), 'utf8'));
    const hooks = docs.flatMap((d) => d.webhooks);
    expect(hooks.map((h) => h.clientConfig).sort((a, b) => String(a.url).localeCompare(String(b.url)))).toEqual([
      { url: 'https://127.0.0.1:8443/mutate', caBundle: bundle },
      { url: 'https://127.0.0.1:8443/validate', caBundle: bundle },
    ]);
    const info = certificateInfo(readFileSync(join(dir, 'e2e', 'tls-cert.pem'), 'utf8'));
    expect(info.ips).toEqual(['127.0.0.1']);
    expect(info.dnsNames).toEqual([]);
  });

  it('renders another template given with --from', async () => {
    writeFileSync(
      join(dir, 'mine.yaml'),
      [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dropped}\n',
        'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: mine}\n' +
          'webhooks:\n- name: v.example.com\n  clientConfig: {service: {name: old, namespace: old-ns, path: /v}, caBundle: Cg==}\n',
      ].join('---\n'),
    );
    const { io, stdout } = bufferIo(dir);
    const argv = ['certs', '--url', 'https://localhost:9443/base/', '--from', 'mine.yaml', '--render-webhooks', '-'];
    expect(await run(argv, io)).toBe(0);
    const docs = loadAll(stdout()) as WebhookConfig[];
    expect(docs).toHaveLength(1);
    expect(docs[0]?.webhooks[0]?.clientConfig.url).toBe('https://localhost:9443/base/v');
  });

  it.each([
    ['no target at all', [], /--service NAME --namespace NS .* or --url/],
    ['--service without --namespace', ['--service', 'btls'], /--service and --namespace go together/],
    ['--namespace without --service', ['--namespace', 'btls-system'], /--service and --namespace go together/],
    ['a Service name with capitals', ['--service', 'Btls', '--namespace', 'x'], /not a valid Service name/],
    ['a namespace with an underscore', ['--service', 'btls', '--namespace', 'a_b'], /not a valid namespace name/],
    ['a plain-HTTP URL', ['--url', 'http://127.0.0.1:8443'], /--url must use https/],
    ['a URL with a query', ['--url', 'https://127.0.0.1:8443/?x=1'], /must not carry user info, a query or a fragment/],
    ['something that is not a URL', ['--url', 'nope'], /is not a URL/],
    ['zero days', ['--url', 'https://127.0.0.1', '--days', '0'], /--days must be a whole number from 1 to 3650/],
    ['days that are not a number', ['--url', 'https://127.0.0.1', '--days', 'ten'], /--days must be a whole number/],
    ['a SAN that is neither a name nor an address', ['--url', 'https://127.0.0.1', '--san', 'a b'], /--san: "a b" is neither/],
    ['a template that does not exist', ['--url', 'https://127.0.0.1', '--from', 'missing.yaml', '--render-webhooks', '-'], /cannot read webhook configurations/],
  ])('fails with exit code 2 and writes nothing when given %s', async (_name, args, message) => {
    const { io, stdout, stderr } = bufferIo(dir);
    expect(await run(['certs', '--out', 'out', ...args], io)).toBe(2);
    expect(stderr()).toMatch(message);
    expect(stdout()).toBe('');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('fails with exit code 2 on an unknown flag', async () => {
    const { io, stderr } = bufferIo(dir);
    expect(await run(['certs', '--service', 'btls', '--namespace', 'x', '--bogus'], io)).toBe(2);
    expect(stderr()).toContain("unknown option '--bogus'");
  });

  it('fails with exit code 2 when the template holds no webhook configuration', async () => {
    writeFileSync(join(dir, 'empty.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    const { io, stderr } = bufferIo(dir);
    expect(await run(['certs', '--url', 'https://127.0.0.1', '--from', 'empty.yaml', '--render-webhooks', '-', '--out', 'out'], io)).toBe(2);
    expect(stderr()).toMatch(/no ValidatingWebhookConfiguration or MutatingWebhookConfiguration found/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
