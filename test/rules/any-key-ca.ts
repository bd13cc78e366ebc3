import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

/**
 * A self-signed CA certificate with an EC P-256 or Ed25519 key, made without openssl: node-forge signs only with
 * RSA keys, so the TBSCertificate is assembled with forge's ASN.1 helpers and signed with node:crypto. The dates
 * are the caller's, so tests need no clock. (Dates before 2050: validity is written as UTCTime.)
 */
const { asn1 } = forge;
const seq = (...items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const oid = (o: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(o).getBytes());
const utc = (d: Date) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(d));
const der = (node: forge.asn1.Asn1) => Buffer.from(asn1.toDer(node).getBytes(), 'binary');
const fromDer = (b: Buffer) => asn1.fromDer(forge.util.createBuffer(b.toString('binary')));

const algorithms = {
  // ecdsa-with-SHA256 (RFC 5758) and Ed25519 (RFC 8410): neither has parameters
  ec: { oid: '1.2.840.10045.4.3.2', digest: 'sha256', keys: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }) },
  ed25519: { oid: '1.3.101.112', digest: null, keys: () => generateKeyPairSync('ed25519') },
} as const;

export function anyKeyCA(key: keyof typeof algorithms, commonName: string, notBefore: Date, notAfter: Date): string {
  const alg = algorithms[key];
  const { publicKey, privateKey } = alg.keys() as { publicKey: KeyObject; privateKey: KeyObject };
  const name = seq(
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [
      seq(oid('2.5.4.3'), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, forge.util.encodeUtf8(commonName))),
    ]),
  );
  const basicConstraintsCa = der(seq(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BOOLEAN, false, '\xff')));
  const tbs = seq(
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, '\x02')]), // v3
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, '\x01'),
    seq(oid(alg.oid)),
    name,
    seq(utc(notBefore), utc(notAfter)),
    name,
    fromDer(publicKey.export({ type: 'spki', format: 'der' })),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 3, true, [
      seq(
        seq(
          oid('2.5.29.19'),
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BOOLEAN, false, '\xff'),
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, basicConstraintsCa.toString('binary')),
        ),
      ),
    ]),
  );
  const signature = sign(alg.digest, der(tbs), privateKey);
  const cert = seq(tbs, seq(oid(alg.oid)), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, '\x00' + signature.toString('binary')));
  const b64 = der(cert).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}
