import { readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_CA_COMMON_NAME, ensureDevCerts, PKI_FILES, writePki } from '../../src/certs/files.js';
import { caBundle, certificateInfo, createCA, createServingCert, isIssuedBy, keyMatchesCert } from '../../src/certs/pki.js';
import { tempDir } from './helpers.js';

const DAY = 24 * 3600 * 1000;

describe('ensureDevCerts', () => {
  let dir: string;
  let cleanup: () => void;

  beforeEach(() => {
    ({ dir, cleanup } = tempDir('certs'));
  });
  afterEach(() => cleanup());

  it('creates a CA and a serving pair for localhost, 127.0.0.1 and ::1 on first start', () => {
    const got = ensureDevCerts(join(dir, 'certs'));
    expect(got.created).toBe(true);
    expect(got.reason).toMatch(/^missing /);
    expect(got.caFile).toBe(join(dir, 'certs', 'ca.pem'));
    expect(got.certFile).toBe(join(dir, 'certs', 'tls-cert.pem'));
    expect(got.keyFile).toBe(join(dir, 'certs', 'tls-key.pem'));
    expect(got.bundleFile).toBe(join(dir, 'certs', 'ca-bundle.b64'));
    const caPem = readFileSync(got.caFile, 'utf8');
    const certPem = readFileSync(got.certFile, 'utf8');
    expect(isIssuedBy(caPem, certPem)).toBe(true);
    expect(keyMatchesCert(readFileSync(got.keyFile, 'utf8'), certPem)).toBe(true);
    const info = certificateInfo(certPem);
    expect(info.dnsNames).toEqual(['localhost']);
    expect(info.ips).toEqual(['127.0.0.1', '::1']);
    expect(got.caBundle).toBe(caBundle(caPem));
    expect(readFileSync(got.bundleFile, 'utf8')).toBe(`${got.caBundle}\n`);
  });

  it('writes the private key with mode 0600', () => {
    const got = ensureDevCerts(dir);
    expect(statSync(got.keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(got.certFile).mode & 0o777).toBe(0o644);
  });

  it('reuses the files on the next start, byte for byte', () => {
    const first = ensureDevCerts(dir);
    const before = [first.caFile, first.certFile, first.keyFile].map((f) => readFileSync(f, 'utf8'));
    const second = ensureDevCerts(dir);
    expect(second.created).toBe(false);
    expect(second.reason).toBeUndefined();
    expect(second.caBundle).toBe(first.caBundle);
    expect([second.caFile, second.certFile, second.keyFile].map((f) => readFileSync(f, 'utf8'))).toEqual(before);
  });

  it('regenerates a pair that expires within 7 days', () => {
    const ca = createCA({ commonName: DEV_CA_COMMON_NAME, days: 2 });
    const serving = createServingCert(ca, { commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'], days: 2 });
    writePki(dir, ca, serving);
    const got = ensureDevCerts(dir);
    expect(got.created).toBe(true);
    expect(got.reason).toMatch(/within 7 days/);
    expect(readFileSync(got.certFile, 'utf8')).not.toBe(serving.certPem);
    expect(got.notAfter.getTime()).toBeGreaterThan(Date.now() + 300 * DAY);
  });

  it('regenerates a pair that has already expired', () => {
    const longAgo = new Date(Date.now() - 400 * DAY);
    const ca = createCA({ commonName: DEV_CA_COMMON_NAME, days: 30, now: longAgo });
    const serving = createServingCert(ca, { commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'], days: 30, now: longAgo });
    writePki(dir, ca, serving);
    expect(certificateInfo(serving.certPem).notAfter.getTime()).toBeLessThan(Date.now());
    const got = ensureDevCerts(dir);
    expect(got.created).toBe(true);
    expect(certificateInfo(readFileSync(got.certFile, 'utf8')).notAfter.getTime()).toBeGreaterThan(Date.now());
  });

  it('regenerates when the key does not belong to the certificate', () => {
    const first = ensureDevCerts(dir);
    const stranger = createCA({ commonName: 'stranger', days: 1 });
    writeFileSync(first.keyFile, stranger.keyPem);
    const got = ensureDevCerts(dir);
    expect(got.created).toBe(true);
    expect(got.reason).toBe('key does not match the certificate');
  });

  it('regenerates when ca.pem did not sign the serving certificate', () => {
    const first = ensureDevCerts(dir);
    // another dev CA: the same name, another key
    writeFileSync(first.caFile, createCA({ commonName: DEV_CA_COMMON_NAME, days: 30 }).certPem);
    expect(ensureDevCerts(dir).reason).toBe('certificate not signed by ca.pem');
  });

  it('regenerates when a file is not a certificate', () => {
    const first = ensureDevCerts(dir);
    writeFileSync(first.certFile, 'not a certificate');
    expect(ensureDevCerts(dir).reason).toBe('unreadable certificate');
  });

  it('rewrites a deleted bundle file without touching the pair', () => {
    const first = ensureDevCerts(dir);
    unlinkSync(first.bundleFile);
    const second = ensureDevCerts(dir);
    expect(second.created).toBe(false);
    expect(readFileSync(second.bundleFile, 'utf8')).toBe(`${first.caBundle}\n`);
  });
});

describe('ensureDevCerts next to a cluster pair', () => {
  it('refuses to replace a pair from another CA (`make run` after `btls certs --out certs/`)', () => {
    const { dir, cleanup } = tempDir('both');
    try {
      const ca = createCA({ commonName: 'btls webhook CA', days: 30 });
      const serving = createServingCert(ca, { commonName: 'btls.btls-system.svc', dnsNames: ['btls.btls-system.svc'], ipAddresses: [], days: 30 });
      const cluster = writePki(dir, ca, serving);
      expect(() => ensureDevCerts(dir)).toThrow(/is not a btls dev CA \(CN=btls webhook CA\).*--tls-cert and --tls-key/);
      expect(readFileSync(cluster.certFile, 'utf8')).toBe(serving.certPem);
      expect(readFileSync(cluster.keyFile, 'utf8')).toBe(serving.keyPem);
    } finally {
      cleanup();
    }
  });
});

describe('writePki', () => {
  it('writes the four documented files and no CA key', () => {
    const { dir, cleanup } = tempDir('write');
    try {
      const ca = createCA({ commonName: 'w', days: 1 });
      const serving = createServingCert(ca, { commonName: 'w', dnsNames: ['w'], ipAddresses: [], days: 1 });
      const files = writePki(join(dir, 'nested', 'out'), ca, serving);
      expect(readFileSync(files.caFile, 'utf8')).toBe(ca.certPem);
      expect(readFileSync(files.certFile, 'utf8')).toBe(serving.certPem);
      expect(readFileSync(files.keyFile, 'utf8')).toBe(serving.keyPem);
      expect(Object.values(PKI_FILES).sort()).toEqual(['ca-bundle.b64', 'ca.pem', 'tls-cert.pem', 'tls-key.pem']);
      const all = Object.values(files).map((f) => readFileSync(f, 'utf8')).join('');
      expect(all).not.toContain(ca.keyPem.trim());
    } finally {
      cleanup();
    }
  });
});
