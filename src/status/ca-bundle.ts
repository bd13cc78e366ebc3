import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { Reason, type ReasonName } from './reasons.js';
import type { ObjectReference, Snapshot } from './snapshot.js';

/**
 * Validation of one caCertificateRef. Pure: reads the snapshot, never the network; the time comes in.
 * A ref is valid when it names a supported kind, the object exists, `ca.crt` is present and non-empty,
 * it holds one or more PEM CERTIFICATE blocks that all parse, and at least one of them is valid at `now`.
 */

export interface CaKind {
  group: string;
  kind: string;
}

/** What the API calls Core support; Secrets only when the operator opts in. */
export const DEFAULT_CA_KINDS: readonly CaKind[] = [{ group: '', kind: 'ConfigMap' }];
export const CA_KEY = 'ca.crt';

export type RefVerdict = { ok: true } | { ok: false; reason: ReasonName; message: string };

interface ParsedCert {
  notBefore: number;
  notAfter: number;
}
type Parsed = { ok: true; certs: ParsedCert[] } | { ok: false; why: string };

/**
 * Parsing is the expensive part (5,000 ConfigMaps often share one CA), so results are memoised by the
 * PEM text. Only the parse is cached; validity against `now` is checked on every call.
 */
const parseCache = new Map<string, Parsed>();
const PARSE_CACHE_MAX = 10_000;

function parseOne(der: string): ParsedCert {
  try {
    const c = forge.pki.certificateFromAsn1(forge.asn1.fromDer(der));
    return { notBefore: c.validity.notBefore.getTime(), notAfter: c.validity.notAfter.getTime() };
  } catch (forgeErr) {
    // node-forge only reads RSA public keys; an ECDSA or Ed25519 CA is still a certificate, so let
    // Node's X.509 parser (same OpenSSL the data plane uses) have the last word before calling it invalid.
    try {
      const x = new X509Certificate(Buffer.from(der, 'binary'));
      return { notBefore: Date.parse(x.validFrom), notAfter: Date.parse(x.validTo) };
    } catch {
      throw forgeErr;
    }
  }
}

export function parseBundle(pem: string): Parsed {
  const hit = parseCache.get(pem);
  if (hit) return hit;
  let result: Parsed;
  try {
    // throws on text without a PEM block: decode never returns an empty list
    const blocks = forge.pem.decode(pem);
    const bad = blocks.findIndex((b) => b.type !== 'CERTIFICATE');
    if (bad >= 0) result = { ok: false, why: `PEM block ${bad + 1} is a ${blocks[bad]!.type}, not a CERTIFICATE` };
    else {
      const certs: ParsedCert[] = [];
      let failed: string | undefined;
      blocks.forEach((b, i) => {
        if (failed) return;
        try {
          certs.push(parseOne(b.body));
        } catch (err) {
          failed = `certificate ${i + 1} does not parse: ${err instanceof Error ? err.message : String(err)}`;
        }
      });
      result = failed ? { ok: false, why: failed } : { ok: true, certs };
    }
  } catch (err) {
    result = { ok: false, why: `is not PEM: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (parseCache.size >= PARSE_CACHE_MAX) parseCache.clear();
  parseCache.set(pem, result);
  return result;
}

function describe(ref: ObjectReference): string {
  return `${ref.kind ?? ''} ${JSON.stringify(ref.name)}${ref.group ? ` (group ${ref.group})` : ''}`;
}

/** `ca.crt` as text; undefined when absent, null when present but not a string (offline input only). */
function caText(kind: string, obj: { data?: Record<string, unknown>; binaryData?: Record<string, unknown> }): string | null | undefined {
  const value = (m: unknown) => (typeof m === 'object' && m !== null ? (m as Record<string, unknown>)[CA_KEY] : undefined);
  const decode = (v: unknown) => (v === undefined ? undefined : typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : null);
  if (kind === 'Secret') return decode(value(obj.data));
  const text = value(obj.data);
  if (text !== undefined) return typeof text === 'string' ? text : null;
  return decode(value(obj.binaryData));
}

export function validateCaRef(
  ref: ObjectReference,
  namespace: string,
  snapshot: Pick<Snapshot, 'configMap' | 'secret'>,
  caKinds: readonly CaKind[],
  now: Date,
): RefVerdict {
  const group = ref.group ?? '';
  const kind = ref.kind ?? '';
  if (!caKinds.some((k) => k.group === group && k.kind === kind)) {
    const supported = caKinds.map((k) => `${k.group || 'core'}/${k.kind}`).join(', ');
    return { ok: false, reason: Reason.InvalidKind, message: `${describe(ref)}: kind ${group || 'core'}/${kind} is not supported (supported: ${supported})` };
  }
  const obj = group === '' && kind === 'ConfigMap' ? snapshot.configMap(namespace, ref.name) : group === '' && kind === 'Secret' ? snapshot.secret(namespace, ref.name) : undefined;
  if (!obj) return { ok: false, reason: Reason.InvalidCACertificateRef, message: `${describe(ref)}: not found in namespace ${namespace}` };
  const text = caText(kind, obj);
  if (text === undefined) return { ok: false, reason: Reason.InvalidCACertificateRef, message: `${describe(ref)}: has no key ${CA_KEY}` };
  if (text === null) return { ok: false, reason: Reason.InvalidCACertificateRef, message: `${describe(ref)}: ${CA_KEY} is not a string` };
  if (text.trim() === '') return { ok: false, reason: Reason.InvalidCACertificateRef, message: `${describe(ref)}: ${CA_KEY} is empty` };
  const parsed = parseBundle(text);
  if (!parsed.ok) return { ok: false, reason: Reason.InvalidCACertificateRef, message: `${describe(ref)}: ${CA_KEY} ${parsed.why}` };
  const t = now.getTime();
  if (parsed.certs.some((c) => c.notBefore <= t && t <= c.notAfter)) return { ok: true };
  // none is valid now: say of each certificate why (in a bundle, each has its own dates)
  const n = parsed.certs.length;
  const expired = parsed.certs.filter((c) => c.notAfter < t).length;
  const dates = (c: ParsedCert) => (c.notAfter < t ? `expired on ${iso(c.notAfter)}` : `is valid from ${iso(c.notBefore)}`);
  const reason = expired === n ? Reason.ExpiredCACertificate : expired === 0 ? Reason.NotYetValidCACertificate : Reason.ExpiredOrNotYetValidCACertificate;
  const why =
    n === 1
      ? `its only certificate ${dates(parsed.certs[0]!)}`
      : `${expired === n ? 'every certificate has expired' : expired === 0 ? 'no certificate is valid yet' : 'no certificate is valid now'}: ${parsed.certs.map((c, i) => `certificate ${i + 1} ${dates(c)}`).join(', ')}`;
  return { ok: false, reason, message: `${describe(ref)}: ${CA_KEY}: ${why}` };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
