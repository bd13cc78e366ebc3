import type { Finding } from '../types.js';
import { fieldError } from '../field-errors.js';

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123SubdomainMessage =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** The part of ObjectMeta validation that objects in manifests get wrong: the name (apimachinery's NameIsDNSSubdomain). */
export function validateMetadata(object: Record<string, unknown>): Finding[] {
  const meta = object.metadata as Record<string, unknown> | undefined;
  const rule = 'crd-metadata-name';
  const name = meta?.name;
  if (name === undefined || name === '') {
    if (typeof meta?.generateName === 'string' && meta.generateName !== '') return [];
    return [fieldError.required({ rule, field: 'metadata.name' }, 'name or generateName is required')];
  }
  if (typeof name !== 'string') return [];
  const details: string[] = [];
  if (name.length > 253) details.push('must be no more than 253 characters');
  if (!dns1123Subdomain.test(name)) details.push(dns1123SubdomainMessage);
  return details.map((d) => fieldError.invalid({ rule, field: 'metadata.name' }, name, d));
}
