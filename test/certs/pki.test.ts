import { X509Certificate } from 'node:crypto';
import {
  caBundle,
  certificateInfo,
  createCA,
  createServingCert,
  isIssuedBy,
  keyMatchesCert,
  type PemPair,
  type ServingCertOptions,
} from '../../src/certs/pki.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

describe('createCA and createServingCert', () => {
  let ca: PemPair;
  let serving: PemPair;
  const before = Date.now();

  beforeAll(() => {
    ca = createCA({ commonName: 'test CA', days: 30 });
    serving = createServingCert(ca, {
      commonName: 'btls.btls-system.svc',
      dnsNames: ['btls.btls-system.svc', 'localhost'],
      ipAddresses: ['127.0.0.1', '::1'],
      days: 10,
    });
  });

  it('makes a CA certificate that says it is a CA', () => {
    const info = certificateInfo(ca.certPem);
    expect(info.isCA).toBe(true);
    expect(info.subject).toBe('CN=test CA');
    expect(info.issuer).toBe('CN=test CA');
    expect(new X509Certificate(ca.certPem).ca).toBe(true);
  });

  it('makes a serving certificate signed by the CA, by forge and by OpenSSL', () => {
    expect(isIssuedBy(ca.certPem, serving.certPem)).toBe(true);
    const leaf = new X509Certificate(serving.certPem);
    expect(leaf.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(leaf.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(leaf.ca).toBe(false);
  });

  it('does not accept a certificate signed by another CA', () => {
    const other = createCA({ commonName: 'other CA', days: 1 });
    expect(isIssuedBy(other.certPem, serving.certPem)).toBe(false);
  });

  it('puts every DNS name and IP address in the SANs, and the common name in the subject', () => {
    const info = certificateInfo(serving.certPem);
    expect(info.subject).toBe('CN=btls.btls-system.svc');
    expect(info.issuer).toBe('CN=test CA');
    expect(info.dnsNames).toEqual(['btls.btls-system.svc', 'localhost']);
    expect(info.ips).toEqual(['127.0.0.1', '::1']);
    const leaf = new X509Certificate(serving.certPem);
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkHost('wrong.example')).toBeUndefined();
  });

  it('is for server authentication, signed with SHA-256, with a 2048-bit RSA key', () => {
    const leaf = new X509Certificate(serving.certPem);
    expect(leaf.keyUsage).toEqual([SERVER_AUTH]);
    expect(leaf.publicKey.asymmetricKeyType).toBe('rsa');
    expect(leaf.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    // not toLegacyObject(): under jest it leaves node:tls half-loaded for the suites after this one
    expect(leaf.serialNumber).toMatch(/^[0-9A-F]{32}$/);
    expect(Number.parseInt(leaf.serialNumber.slice(0, 2), 16)).toBeLessThan(0x80);
  });

  it('starts a few minutes in the past and ends after the requested days', () => {
    const info = certificateInfo(serving.certPem);
    expect(info.notBefore.getTime()).toBeLessThan(before - 60_000);
    const tenDays = 10 * 24 * 3600 * 1000;
    expect(info.notAfter.getTime()).toBeGreaterThanOrEqual(before + tenDays - 2000);
    expect(info.notAfter.getTime()).toBeLessThanOrEqual(Date.now() + tenDays + 1000);
  });

  it('never outlives its CA', () => {
    const shortCa = createCA({ commonName: 'short CA', days: 1 });
    const leaf = createServingCert(shortCa, { commonName: 'x', dnsNames: ['x'], ipAddresses: [], days: 30 });
    expect(certificateInfo(leaf.certPem).notAfter).toEqual(certificateInfo(shortCa.certPem).notAfter);
  });

  it('pairs each certificate with its own key', () => {
    expect(keyMatchesCert(serving.keyPem, serving.certPem)).toBe(true);
    expect(keyMatchesCert(ca.keyPem, serving.certPem)).toBe(false);
    expect(serving.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('writes PEM with LF line ends', () => {
    expect(serving.certPem).not.toContain('\r');
    expect(ca.certPem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
  });

  it.each<[string, Partial<ServingCertOptions>, RegExp]>([
    ['no name at all', { dnsNames: [], ipAddresses: [] }, /at least one DNS name or IP/],
    ['an IP address that is not one', { dnsNames: [], ipAddresses: ['300.1.1.1'] }, /not an IP address/],
    ['a DNS name with a space', { dnsNames: ['a b'], ipAddresses: [] }, /not a DNS name/],
    ['zero days', { dnsNames: ['a'], ipAddresses: [], days: 0 }, /days must be a positive number/],
  ])('refuses a serving certificate with %s', (_name, patch, message) => {
    const opts: ServingCertOptions = { commonName: 'x', dnsNames: [], ipAddresses: [], days: 1, ...patch };
    expect(() => createServingCert(ca, opts)).toThrow(message);
  });
});

describe('caBundle', () => {
  it('is the PEM text in base64, on one line', () => {
    const ca = createCA({ commonName: 'bundle CA', days: 1 });
    const bundle = caBundle(ca.certPem);
    expect(bundle).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(bundle, 'base64').toString('utf8')).toBe(ca.certPem);
  });

  it('refuses something that is not a certificate (a key must never end up in a webhook configuration)', () => {
    const ca = createCA({ commonName: 'bundle CA', days: 1 });
    expect(() => caBundle(ca.keyPem)).toThrow();
  });
});
