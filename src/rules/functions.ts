import { X509Certificate } from 'node:crypto';
import { rt, registerFunction, isErr, CelError } from './cel/runtime.js';
import { uriError } from './uri.js';

/**
 * Functions btls adds to CEL for the checks the spec text asks for and Kubernetes' CEL library lacks.
 * Rules that use them cannot run in-cluster (`btls vap` leaves them out and says why).
 */

/** What keeps the string from being an absolute URI as the API defines one ('' for nothing): see ./uri.ts. */
registerFunction('uriError', (v) => {
  if (isErr(v)) return v;
  if (typeof v !== 'string') return rt.noOverload('uriError');
  return uriError(v);
});

/** RFC 3986 absolute URI with a scheme, a non-empty scheme-specific part, and a host where it has an authority. */
registerFunction('isAbsoluteURI', (v) => {
  if (isErr(v)) return v;
  if (typeof v !== 'string') return rt.noOverload('isAbsoluteURI');
  return uriError(v) === '';
});

/**
 * CA bundles are read with Node's X.509 parser (OpenSSL, as the data plane reads them), which takes every key type:
 * node-forge, used before, reads only RSA keys and called valid ECDSA and Ed25519 CAs unparsable, so their expiry
 * was never checked. It is also part of Node, so evaluating a policy loads no certificate library (the webhook).
 */
interface CaCert {
  commonName: string;
  notBefore: Date;
  notAfter: Date;
}

// A CA bundle is parsed once per distinct text: many policies share one ConfigMap.
const bundles = new Map<string, CaCert[] | string>();

function parseCert(block: string): CaCert {
  const x = new X509Certificate(block);
  // `subject` is one `KEY=value` line per attribute; the last CN is the most specific one
  const cn = [...x.subject.matchAll(/^CN=(.*)$/gm)].pop()?.[1];
  return { commonName: cn ?? '(no common name)', notBefore: new Date(x.validFrom), notAfter: new Date(x.validTo) };
}

function certificates(pem: string): CaCert[] | string {
  let parsed = bundles.get(pem);
  if (parsed !== undefined) return parsed;
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (pem.trim() === '') parsed = 'is empty';
  else if (!blocks) parsed = 'holds no PEM certificate';
  else {
    try {
      parsed = blocks.map(parseCert);
    } catch (err) {
      parsed = `holds a certificate that does not parse: ${(err as Error).message}`;
    }
  }
  if (bundles.size > 10_000) bundles.clear();
  bundles.set(pem, parsed);
  return parsed;
}

/** '' when the text is one or more PEM certificates that parse, else what is wrong with it. */
registerFunction('caBundleError', (v) => {
  if (isErr(v)) return v;
  if (typeof v !== 'string') return 'is not a string';
  const c = certificates(v);
  return typeof c === 'string' ? c : '';
});

/** '' when every certificate of the bundle is valid at `now`, else which one is not and why. */
registerFunction('caBundleValidityError', (v, now) => {
  if (isErr(v)) return v;
  if (typeof v !== 'string' || typeof now !== 'string') return new CelError('no such overload: caBundleValidityError');
  const c = certificates(v);
  if (typeof c === 'string') return '';
  const at = new Date(now);
  for (const cert of c) {
    if (at > cert.notAfter) return `certificate "${cert.commonName}" expired at ${cert.notAfter.toISOString()}`;
    if (at < cert.notBefore) return `certificate "${cert.commonName}" is not valid before ${cert.notBefore.toISOString()}`;
  }
  return '';
});

/** Looks up objects of the same input; `references` is bound only where other objects are known. */
rt.methods.configMap = (refs, ns, name) => lookup(refs, 'configMap', ns, name);
rt.methods.service = (refs, ns, name) => lookup(refs, 'service', ns, name);

function lookup(refs: unknown, kind: 'configMap' | 'service', ns: unknown, name: unknown): unknown {
  if (isErr(ns)) return ns;
  if (isErr(name)) return name;
  const index = refs as { configMap?: (n: string, m: string) => unknown; service?: (n: string, m: string) => unknown } | undefined;
  if (!index?.[kind] || typeof ns !== 'string' || typeof name !== 'string') return rt.noOverload(kind);
  return index[kind]!(ns, name) ?? null;
}
