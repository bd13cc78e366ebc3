import { createCA } from '../../src/certs/pki.js';
import { anyKeyCA } from './any-key-ca.js';
import { loadEngine } from '../../src/rules/engine.js';
import type { KubeObject, ReferenceIndex } from '../../src/rules/types.js';

const engine = loadEngine();
const DAY = 24 * 3600 * 1000;
const now = new Date('2026-06-01T00:00:00Z');

const policy = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'BackendTLSPolicy',
  metadata: { name: 'p', namespace: 'shop' },
  spec: {
    targetRefs: [{ group: '', kind: 'Service', name: 'cart', sectionName: 'https' }],
    validation: { hostname: 'cart.example.com', caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'cart-ca' }] },
  },
};
const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cart', namespace: 'shop' }, spec: { ports: [{ name: 'https', port: 443 }] } };
const configMap = (crt: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cart-ca', namespace: 'shop' }, data: { 'ca.crt': crt } });

function index(objects: KubeObject[]): ReferenceIndex {
  const find = (kind: string) => (ns: string, name: string) => objects.find((o) => o.kind === kind && o.metadata?.name === name && o.metadata?.namespace === ns);
  return { configMap: find('ConfigMap'), service: find('Service') };
}
const check = (objects: KubeObject[]) =>
  engine.evaluate(policy, { references: index(objects), now }).map((f) => `${f.severity} ${f.rule}: ${f.field}: ${f.message}`);

describe('reference checks against the objects of the input', () => {
  const valid = createCA({ commonName: 'cart-ca', days: 365, now: new Date(now.getTime() - DAY) }).certPem;

  it('find nothing wrong when the Service, its port and a valid CA are there', () => {
    expect(check([service, configMap(valid)])).toEqual([]);
  });

  it('warn about an expired CA certificate', () => {
    const expired = createCA({ commonName: 'old-ca', days: 1, now: new Date(now.getTime() - 10 * DAY) }).certPem;
    expect(check([service, configMap(expired)])).toEqual([
      expect.stringMatching(/^warn refs-ca-certificate-validity: spec\.validation\.caCertificateRefs\[0\]\.name: Invalid value: "cart-ca": ca\.crt of ConfigMap shop\/cart-ca: certificate "old-ca" expired at 2026-05-2/),
    ]);
  });

  it('warn about a CA certificate that is not valid yet', () => {
    const future = createCA({ commonName: 'new-ca', days: 30, now: new Date(now.getTime() + 5 * DAY) }).certPem;
    expect(check([service, configMap(future)])).toEqual([expect.stringMatching(/certificate "new-ca" is not valid before 2026-06-0/)]);
  });

  it('accept a bundle of several certificates and name a broken one', () => {
    expect(check([service, configMap(valid + valid)])).toEqual([]);
    const broken = valid.replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!');
    expect(check([service, configMap(broken)])).toEqual([expect.stringMatching(/refs-ca-certificate-pem: .*holds a certificate that does not parse/)]);
  });

  // node-forge reads only RSA keys: valid ECDSA and Ed25519 CAs were said not to parse, and their expiry never checked
  it.each(['ec', 'ed25519'] as const)('read a CA certificate with an %s key, and check its validity', (key) => {
    const ca = anyKeyCA(key, `${key}-ca`, new Date(now.getTime() - DAY), new Date(now.getTime() + 30 * DAY));
    expect(check([service, configMap(ca)])).toEqual([]);
    const expired = anyKeyCA(key, `old-${key}-ca`, new Date(now.getTime() - 10 * DAY), new Date(now.getTime() - 9 * DAY));
    expect(check([service, configMap(expired)])).toEqual([
      expect.stringMatching(new RegExp(`^warn refs-ca-certificate-validity: .*certificate "old-${key}-ca" expired at ${new Date(now.getTime() - 9 * DAY).toISOString()}$`)),
    ]);
    const future = anyKeyCA(key, `new-${key}-ca`, new Date(now.getTime() + 5 * DAY), new Date(now.getTime() + 30 * DAY));
    expect(check([service, configMap(future)])).toEqual([expect.stringMatching(new RegExp(`certificate "new-${key}-ca" is not valid before ${new Date(now.getTime() + 5 * DAY).toISOString()}$`))]);
  });

  it('warn about a missing Service, and a sectionName that names no port', () => {
    expect(check([configMap(valid)])).toEqual([expect.stringContaining('refs-target-service-found: spec.targetRefs[0].name: Invalid value: "cart": Service shop/cart not found')]);
    const noHttps = { ...service, spec: { ports: [{ name: 'http', port: 80 }] } };
    expect(check([noHttps, configMap(valid)])).toEqual([expect.stringContaining('refs-target-section-name-port: spec.targetRefs[0].sectionName: Invalid value: "https"')]);
  });

  it('do not run without references (a policy checked on its own)', () => {
    expect(engine.evaluate(policy, { now })).toEqual([]);
  });
});
