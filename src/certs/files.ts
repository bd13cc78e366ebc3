import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { caBundle, certificateInfo, createCA, createServingCert, isIssuedBy, keyMatchesCert, type PemPair } from './pki.js';

/**
 * File names inside a certs folder. They end in .pem / .b64 because the repository ignores exactly those in
 * certs/ (keys must never be committed). The CA's private key is deliberately not written: the bundle is all a
 * client needs, and a CA key lying around would let anyone who reads it impersonate the webhook. Rotating
 * means running `btls certs` again (new CA, new bundle), which is cheap.
 */
export const PKI_FILES = {
  ca: 'ca.pem',
  cert: 'tls-cert.pem',
  key: 'tls-key.pem',
  bundle: 'ca-bundle.b64',
} as const;

export interface PkiFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** `caBundle` for a webhook configuration, base64 on one line. */
  bundleFile: string;
}

export interface DevCerts extends PkiFiles {
  caBundle: string;
  /** True when this call generated the pair, false when it reused the files already there. */
  created: boolean;
  /** Why the files were (re)generated, for the start-up log; absent when reused. */
  reason?: string;
  notAfter: Date;
}

export interface DevCertsOptions {
  /** Validity of a new pair, in days. */
  days?: number;
  /** Reuse existing files only when they stay valid at least this long. */
  minValidDays?: number;
  now?: Date;
}

/** The names the embedded dev server answers on. */
export const DEV_DNS_NAMES = ['localhost'];
export const DEV_IP_ADDRESSES = ['127.0.0.1', '::1'];
/** How ensureDevCerts recognises its own CA, and so the files it may replace. */
export const DEV_CA_COMMON_NAME = 'btls dev CA';
const DAY_MS = 24 * 60 * 60 * 1000;

/** Writes a CA certificate and a serving pair into `dir` (created if missing); the key file is mode 0600. */
export function writePki(dir: string, ca: PemPair, serving: PemPair): PkiFiles {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = pkiFiles(dir);
  // key first, then cert: a server hot-reloading on the cert file then finds the matching key already there
  writeAtomic(files.keyFile, serving.keyPem, 0o600);
  writeAtomic(files.certFile, serving.certPem, 0o644);
  writeAtomic(files.caFile, ca.certPem, 0o644);
  writeAtomic(files.bundleFile, `${caBundle(ca.certPem)}\n`, 0o644);
  return files;
}

export function pkiFiles(dir: string): PkiFiles {
  return {
    caFile: join(dir, PKI_FILES.ca),
    certFile: join(dir, PKI_FILES.cert),
    keyFile: join(dir, PKI_FILES.key),
    bundleFile: join(dir, PKI_FILES.bundle),
  };
}

/**
 * The embedded default of `btls serve`: a dev CA and a serving cert for localhost / 127.0.0.1 / ::1 under `dir`.
 * Existing files are reused while they are consistent (key matches, signed by ca.pem, right names) and valid
 * for more than `minValidDays`; otherwise everything is generated anew. Files signed by another CA (a cluster
 * pair from `btls certs --out certs/`) are never replaced: that throws, naming the way out.
 */
export function ensureDevCerts(dir = 'certs', opts: DevCertsOptions = {}): DevCerts {
  const now = opts.now ?? new Date();
  const minValidMs = (opts.minValidDays ?? 7) * DAY_MS;
  const files = pkiFiles(dir);
  refuseForeignCA(files.caFile);
  const problem = whyNotReusable(files, now, minValidMs);
  if (problem === undefined) {
    const caPem = readFileSync(files.caFile, 'utf8');
    const info = certificateInfo(readFileSync(files.certFile, 'utf8'));
    // the bundle file is derived data: rewrite it if someone deleted it
    if (!existsSync(files.bundleFile)) writeAtomic(files.bundleFile, `${caBundle(caPem)}\n`, 0o644);
    return { ...files, caBundle: caBundle(caPem), created: false, notAfter: info.notAfter };
  }
  const days = opts.days ?? 365;
  const ca = createCA({ commonName: DEV_CA_COMMON_NAME, days, now });
  const serving = createServingCert(ca, {
    commonName: 'localhost',
    dnsNames: DEV_DNS_NAMES,
    ipAddresses: DEV_IP_ADDRESSES,
    days,
    now,
  });
  writePki(dir, ca, serving);
  return {
    ...files,
    caBundle: caBundle(ca.certPem),
    created: true,
    reason: problem,
    notAfter: certificateInfo(serving.certPem).notAfter,
  };
}

/** `make run` after `btls certs --out certs/` must not silently destroy the pair the cluster's Secret came from. */
function refuseForeignCA(caFile: string): void {
  if (!existsSync(caFile)) return;
  let subject: string;
  try {
    subject = certificateInfo(readFileSync(caFile, 'utf8')).subject;
  } catch {
    return; // unreadable: nothing worth keeping
  }
  if (subject !== `CN=${DEV_CA_COMMON_NAME}`) {
    throw new Error(
      `${caFile} is not a btls dev CA (${subject}), so its pair is left alone: serve it with --tls-cert and ` +
        '--tls-key, or move those files away to get dev certificates',
    );
  }
}

/** Undefined when the files in `dir` can be served as they are, else a short reason for the log. */
function whyNotReusable(files: PkiFiles, now: Date, minValidMs: number): string | undefined {
  const missing = [files.caFile, files.certFile, files.keyFile].filter((f) => !existsSync(f));
  if (missing.length > 0) return `missing ${missing.join(', ')}`;
  const caPem = readFileSync(files.caFile, 'utf8');
  const certPem = readFileSync(files.certFile, 'utf8');
  const keyPem = readFileSync(files.keyFile, 'utf8');
  let info;
  let caInfo;
  try {
    info = certificateInfo(certPem);
    caInfo = certificateInfo(caPem);
  } catch {
    return 'unreadable certificate';
  }
  const horizon = now.getTime() + minValidMs;
  if (info.notAfter.getTime() <= horizon || caInfo.notAfter.getTime() <= horizon) {
    return `expires ${info.notAfter.toISOString()}, within ${minValidMs / DAY_MS} days`;
  }
  if (info.notBefore.getTime() > now.getTime()) return 'not yet valid';
  if (!keyMatchesCert(keyPem, certPem)) return 'key does not match the certificate';
  if (!isIssuedBy(caPem, certPem)) return 'certificate not signed by ca.pem';
  const names = [...info.dnsNames, ...info.ips];
  const lacking = [...DEV_DNS_NAMES, ...DEV_IP_ADDRESSES].filter((n) => !names.includes(n));
  if (lacking.length > 0) return `certificate lacks ${lacking.join(', ')}`;
  return undefined;
}

/** Write-then-rename, so that a reader (a hot-reloading server, a second replica) never sees half a file. */
function writeAtomic(file: string, data: string, mode: number): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, data, { mode });
    chmodSync(tmp, mode); // the umask could only narrow the mode, but an explicit chmod documents the intent
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
