import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/** A PEM certificate and its PEM private key (PKCS#8), as written to disk or handed to `tls.createServer`. */
export interface PemPair {
  certPem: string;
  keyPem: string;
}

export interface CaOptions {
  commonName: string;
  /** Validity from now, in days (fractions allowed: tests make short-lived pairs). */
  days: number;
  /** Clock seam for tests; defaults to the current time. */
  now?: Date;
}

export interface ServingCertOptions {
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  days: number;
  now?: Date;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  dnsNames: string[];
  ips: string[];
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
}

/** Clients and apiservers whose clock runs a little behind must not see a certificate from the future. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

// forge's own generateKeyPair already defers to node:crypto when it is called synchronously, but only while
// nobody has set the process-wide `forge.options.usePureJavaScript`; then it takes ~1 s or more per key on this
// machine (measured: pure JS ~890 ms, node:crypto ~210 ms for RSA 2048, and the pure-JS time varies widely
// with prime search; `workers: -1` does not help, forge's workers are browser Web Workers). Calling OpenSSL
// directly keeps key generation fast and predictable, and forge only parses the PEM to sign with it.
function generateRsaKey(): { keyPem: string; privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  const { privateKey: keyPem, publicKey: publicPem } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    keyPem,
    privateKey: forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(publicPem) as forge.pki.rsa.PublicKey,
  };
}

/**
 * 126 random bits in 16 bytes: the top bit is cleared because DER INTEGERs are signed and Go rejects negative
 * serials, and the next one is set so that the first byte is never zero (DER would drop it).
 */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

function validity(days: number, now: Date | undefined): { notBefore: Date; notAfter: Date } {
  if (!Number.isFinite(days) || days <= 0) throw new Error(`days must be a positive number, got ${days}`);
  const t = (now ?? new Date()).getTime();
  return { notBefore: new Date(t - CLOCK_SKEW_MS), notAfter: new Date(t + days * DAY_MS) };
}

function requireCommonName(cn: string): void {
  // the CN ends up in the subject; an empty one makes an unreadable certificate and Go ignores it anyway
  if (cn.trim() === '') throw new Error('commonName must not be empty');
}

/** A fresh key and a certificate for it with a random serial and its notBefore set; notAfter is the caller's. */
function newCertificate(days: number, now: Date | undefined) {
  const { notBefore, notAfter } = validity(days, now);
  const key = generateRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.publicKey;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = notBefore;
  return { key, cert, notAfter };
}

/** A self-signed CA that signs only end-entity certificates (pathLen 0). */
export function createCA(opts: CaOptions): PemPair {
  requireCommonName(opts.commonName);
  const { key, cert, notAfter } = newCertificate(opts.days, opts.now);
  cert.validity.notAfter = notAfter;
  const subject = [{ name: 'commonName', value: opts.commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key.privateKey, forge.md.sha256.create());
  return { certPem: toPem(cert), keyPem: key.keyPem };
}

/** A serving certificate for TLS servers (serverAuth), signed by `ca`, valid for the given names and addresses. */
export function createServingCert(ca: PemPair, opts: ServingCertOptions): PemPair {
  requireCommonName(opts.commonName);
  if (opts.dnsNames.length === 0 && opts.ipAddresses.length === 0) {
    // clients (Go's crypto/x509 included) match only SANs, never the CN: without one the cert is useless
    throw new Error('a serving certificate needs at least one DNS name or IP address');
  }
  for (const ip of opts.ipAddresses) if (isIP(ip) === 0) throw new Error(`not an IP address: ${ip}`);
  for (const dns of opts.dnsNames) if (!isDnsName(dns)) throw new Error(`not a DNS name: ${dns}`);

  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const { key, cert, notAfter } = newCertificate(opts.days, opts.now);
  // a leaf outliving its CA fails verification at the CA's expiry anyway; say so in the certificate
  cert.validity.notAfter = notAfter > caCert.validity.notAfter ? caCert.validity.notAfter : notAfter;
  cert.setSubject([{ name: 'commonName', value: opts.commonName }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...opts.dnsNames.map((value) => ({ type: 2, value })),
        ...opts.ipAddresses.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: toPem(cert), keyPem: key.keyPem };
}

/** The value of a webhook's `clientConfig.caBundle`: the PEM text itself, base64-encoded. */
export function caBundle(certPem: string): string {
  // parse first, so that a key or garbage never ends up in a webhook configuration
  forge.pki.certificateFromPem(certPem);
  return Buffer.from(certPem, 'utf8').toString('base64');
}

/** What a user (or `ensureDevCerts`) needs to know about a certificate: who, for which names, until when. */
export function certificateInfo(pem: string): CertificateInfo {
  const cert = forge.pki.certificateFromPem(pem);
  const san = cert.getExtension('subjectAltName') as { altNames?: Array<{ type: number; value?: string; ip?: string }> } | null;
  const altNames = san?.altNames ?? [];
  const bc = cert.getExtension('basicConstraints') as { cA?: boolean } | null;
  return {
    subject: distinguishedName(cert.subject.attributes),
    issuer: distinguishedName(cert.issuer.attributes),
    dnsNames: altNames.filter((n) => n.type === 2 && n.value !== undefined).map((n) => n.value as string),
    ips: altNames.filter((n) => n.type === 7 && n.ip !== undefined).map((n) => n.ip as string),
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
    isCA: bc?.cA === true,
  };
}

/** True when `certPem` carries a valid signature by the CA in `caCertPem`. */
export function isIssuedBy(caCertPem: string, certPem: string): boolean {
  try {
    return forge.pki.certificateFromPem(caCertPem).verify(forge.pki.certificateFromPem(certPem));
  } catch {
    return false;
  }
}

/** True when the private key belongs to the certificate (a pair written by halves would fail every handshake). */
export function keyMatchesCert(keyPem: string, certPem: string): boolean {
  try {
    const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
    const pub = forge.pki.certificateFromPem(certPem).publicKey as forge.pki.rsa.PublicKey;
    return key.n.equals(pub.n) && key.e.equals(pub.e);
  } catch {
    return false;
  }
}

/** RFC 1123 host names, optionally with one leading wildcard label, as accepted in a DNS SAN. */
export function isDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  return labels.every((label, i) => {
    if (i === 0 && label === '*' && labels.length > 1) return true;
    return /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(label);
  });
}

/** forge writes CRLF line ends; files, Secrets and caBundles read better (and diff cleaner) with LF. */
function toPem(cert: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

function distinguishedName(attrs: forge.pki.CertificateField[]): string {
  return attrs.map((a) => `${a.shortName ?? a.name ?? a.type}=${String(a.value)}`).join(', ');
}
