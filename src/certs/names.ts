import { isIP } from 'node:net';
import { isDnsName } from './pki.js';

/** Where the apiserver reaches the webhook: through a Service, at a URL, or both (both get SANs). */
export interface ServingTarget {
  service?: { name: string; namespace: string };
  url?: URL;
  extraSans: string[];
}

export interface ServingNames {
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
}

/** DNS-1035 label: what Kubernetes requires of a Service name. */
const DNS1035_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** DNS-1123 label: what Kubernetes requires of a namespace name. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function isServiceName(s: string): boolean {
  return DNS1035_LABEL.test(s);
}

export function isNamespaceName(s: string): boolean {
  return DNS1123_LABEL.test(s);
}

/**
 * The SANs of a webhook's serving certificate. The apiserver dials `<service>.<namespace>.svc`, which is also
 * the CN; the longer and shorter forms cover clients inside the cluster that resolve the Service otherwise.
 * For a URL, its host (name or address) is added. Names are lower-cased and de-duplicated; invalid ones throw.
 */
export function servingNames(target: ServingTarget): ServingNames {
  const dns: string[] = [];
  const ips: string[] = [];
  const add = (raw: string, origin: string): void => {
    const v = raw.trim().replace(/^\[(.*)\]$/, '$1');
    if (isIP(v) !== 0) {
      if (!ips.includes(v)) ips.push(v);
      return;
    }
    const name = v.toLowerCase().replace(/\.$/, '');
    if (!isDnsName(name)) throw new Error(`${origin}: "${raw}" is neither a DNS name nor an IP address`);
    if (!dns.includes(name)) dns.push(name);
  };
  if (target.service !== undefined) {
    const { name, namespace } = target.service;
    add(`${name}.${namespace}.svc`, '--service');
    add(`${name}.${namespace}.svc.cluster.local`, '--service');
    add(name, '--service');
    add(`${name}.${namespace}`, '--service');
  }
  if (target.url !== undefined) add(target.url.hostname, '--url');
  for (const san of target.extraSans) add(san, '--san');
  const commonName = dns[0] ?? ips[0];
  if (commonName === undefined) throw new Error('no name to put in the certificate');
  return { commonName, dnsNames: dns, ipAddresses: ips };
}
