import type { Finding } from '../types.js';
import { fieldError, goQuote, isGoInt64 } from '../field-errors.js';
import { rfc3339Error } from './go-time.js';

/**
 * ObjectMeta as kube-apiserver treats it for a custom resource: first decoded into Go's typed ObjectMeta (a
 * value of the wrong JSON type is a 400 `json: cannot unmarshal ...` before anything is validated), then
 * validated (apimachinery's ValidateObjectMetaAccessor: names, labels, annotations).
 */

const jsonKind = (v: unknown): string =>
  Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;

const cannot = (v: unknown, into: string): string => `json: cannot unmarshal ${jsonKind(v)} into ${into}`;
const field = (name: string, type: string): string => `Go struct field ObjectMeta.${name} of type ${type}`;

/**
 * How Go's json decoder fails on one value: `saved` type errors are remembered and decoding goes on (the first
 * one is the answer), an error of a type's own UnmarshalJSON (metav1.Time) `aborts` at once and is the answer
 * whatever was saved before it.
 */
interface DecodeFailure {
  message: string;
  abort?: boolean;
}
/** `name` and `type` make the message's `Go struct field ObjectMeta.NAME of type TYPE`, built only on a failure */
type Decoder = (v: unknown, name: string, type: string) => DecodeFailure | undefined;

const str: Decoder = (v, name, type) => (typeof v === 'string' ? undefined : { message: cannot(v, field(name, type)) });
/** an int64: a number that is not one is printed with its text (Go's "number 1.5"), as Go re-encodes it */
const int64: Decoder = (v, name, type) => {
  if (typeof v !== 'number') return { message: cannot(v, field(name, type)) };
  return isGoInt64(v) ? undefined : { message: `json: cannot unmarshal number ${String(v)} into ${field(name, type)}` };
};
/** metav1.Time: its UnmarshalJSON decodes a string (any other type fails as a string would) and parses it */
const time: Decoder = (v, name) => {
  if (typeof v !== 'string') return { message: cannot(v, field(name, 'string')), abort: true };
  const err = rfc3339Error(v);
  return err === undefined ? undefined : { message: err, abort: true };
};
const stringMap: Decoder = (v, name, type) => {
  if (typeof v !== 'object' || Array.isArray(v)) return { message: cannot(v, field(name, type)) };
  const m = v as Record<string, unknown>;
  let wrong = false;
  for (const k in m) if (m[k] !== null && typeof m[k] !== 'string') wrong = true;
  if (!wrong) return undefined;
  for (const k of goSortedKeys(m)) if (m[k] !== null && typeof m[k] !== 'string') return { message: cannot(m[k], field(name, 'string')) };
  return undefined;
};
const finalizers: Decoder = (v, name, type) => {
  if (!Array.isArray(v)) return { message: cannot(v, field(name, type)) };
  for (const x of v) if (x !== null && typeof x !== 'string') return { message: cannot(x, field('finalizers', 'string')) };
  return undefined;
};

/**
 * A list of Go structs (`[]v1.OwnerReference`, `[]v1.ManagedFieldsEntry`): each item's fields are met in sorted
 * order (Go re-encodes the map before decoding it); a field's type error names `STRUCT.LIST.FIELD`. A metav1.Time
 * field (`time`) stops the decoder, also after a type error in an earlier item.
 */
function structList(struct: string, fields: Record<string, string>): Decoder {
  const wrong = (k: string, x: unknown): boolean => {
    const type = Object.hasOwn(fields, k) ? fields[k] : undefined;
    if (type === undefined || x === undefined || x === null || type === 'any') return false;
    return type === 'bool' ? typeof x !== 'boolean' : typeof x !== 'string' || (type === 'v1.Time' && rfc3339Error(x) !== undefined);
  };
  return (v, name, type) => {
    if (!Array.isArray(v)) return { message: cannot(v, field(name, type)) };
    let saved: DecodeFailure | undefined;
    for (const item of v) {
      if (item === null) continue;
      if (typeof item !== 'object' || Array.isArray(item)) {
        saved ??= { message: cannot(item, field(name, `v1.${struct}`)) };
        continue;
      }
      const r = item as Record<string, unknown>;
      let any = false;
      for (const k in r) if (wrong(k, r[k])) any = true;
      if (!any) continue;
      for (const k of goSortedKeys(r)) {
        if (!wrong(k, r[k])) continue;
        const into = (t: string) => `Go struct field ${struct}.${name}.${k} of type ${t}`;
        if (fields[k] === 'v1.Time') return typeof r[k] === 'string' ? { message: rfc3339Error(r[k] as string)!, abort: true } : { message: cannot(r[k], into('string')), abort: true };
        saved ??= { message: cannot(r[k], into(fields[k])) };
      }
    }
    return saved;
  };
}

const ownerReferences = structList('OwnerReference', {
  apiVersion: 'string',
  blockOwnerDeletion: 'bool',
  controller: 'bool',
  kind: 'string',
  name: 'string',
  uid: 'types.UID',
});
const managedFields = structList('ManagedFieldsEntry', {
  apiVersion: 'string',
  fieldsType: 'string',
  // FieldsV1 keeps any JSON as it is
  fieldsV1: 'any',
  manager: 'string',
  operation: 'v1.ManagedFieldsOperationType',
  subresource: 'string',
  time: 'v1.Time',
});

/** ObjectMeta's fields, with their Go types */
const decoders: Record<string, [Decoder, string]> = {
  annotations: [stringMap, 'map[string]string'],
  creationTimestamp: [time, 'v1.Time'],
  deletionGracePeriodSeconds: [int64, 'int64'],
  deletionTimestamp: [time, 'v1.Time'],
  finalizers: [finalizers, '[]string'],
  generateName: [str, 'string'],
  generation: [int64, 'int64'],
  labels: [stringMap, 'map[string]string'],
  managedFields: [managedFields, '[]v1.ManagedFieldsEntry'],
  name: [str, 'string'],
  namespace: [str, 'string'],
  ownerReferences: [ownerReferences, '[]v1.OwnerReference'],
  resourceVersion: [str, 'string'],
  selfLink: [str, 'string'],
  uid: [str, 'types.UID'],
};

function decodeField(m: Record<string, unknown>, k: string): DecodeFailure | undefined {
  const d = Object.hasOwn(decoders, k) ? decoders[k] : undefined;
  const v = m[k];
  // null decodes into any of them as the zero value
  if (d === undefined || v === undefined || v === null) return undefined;
  return d[0](v, k, d[1]);
}

/** Go sorts map keys by their UTF-8 bytes, which is the order of their code points */
function goSortedKeys(m: Record<string, unknown>): string[] {
  return Object.keys(m).sort((a, b) => {
    const x = [...a];
    const y = [...b];
    for (let i = 0; i < x.length && i < y.length; i++) {
      const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
      if (d !== 0) return d;
    }
    return x.length - y.length;
  });
}

/**
 * The error Go's json decoder gives for ObjectMeta, as its text; undefined when it decodes. The apiserver
 * re-encodes metadata before decoding it into ObjectMeta, so the decoder meets the fields (and map keys) in sorted
 * order: the answer is the first metav1.Time error in that order, or else the first type error in that order.
 * Runs on every review in every mode: one pass without allocating finds whether anything is wrong, and only then
 * are the keys sorted.
 */
export function metadataDecodeError(object: Record<string, unknown>): string | undefined {
  const meta = object.metadata;
  if (meta === undefined || meta === null) return undefined;
  if (typeof meta !== 'object' || Array.isArray(meta)) return cannot(meta, 'Go value of type v1.ObjectMeta');
  const m = meta as Record<string, unknown>;
  let wrong = false;
  for (const k in m) {
    if (decodeField(m, k)) {
      wrong = true;
      break;
    }
  }
  if (!wrong) return undefined;
  let saved: string | undefined;
  for (const k of goSortedKeys(m)) {
    const f = decodeField(m, k);
    if (!f) continue;
    if (f.abort) return f.message;
    saved ??= f.message;
  }
  return saved;
}

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

// apimachinery's RegexError: note the double space after each example's comma, as printed
const regexError = (msg: string, fmt: string, ...examples: string[]) =>
  `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
const subdomainMessage = regexError(
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*',
  'example.com',
);
const qualifiedNameMessage = regexError(
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]',
  'MyName',
  'my.name',
  '123-abc',
);
const labelValueMessage = regexError(
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?',
  'MyValue',
  'my_value',
  '12345',
);

/** Go's len(): UTF-8 bytes */
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function isDns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (bytes(value) > 253) errs.push('must be no more than 253 characters');
  if (!dns1123Subdomain.test(value)) errs.push(subdomainMessage);
  return errs;
}

function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...isDns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [`a qualified name ${qualifiedNameMessage} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (bytes(name) > 63) errs.push('name part must be no more than 63 characters');
  if (!qualifiedNamePart.test(name)) errs.push(`name part ${qualifiedNameMessage}`);
  return errs;
}

/** apimachinery's maskTrailingDash, quirk included: a trailing '-' takes the character before it along */
const maskTrailingDash = (name: string) => (name.length > 1 && name.endsWith('-') ? name.slice(0, -2) + 'a' : name);

/** The rule ids validateMetadata reports under. */
export const metadataRuleIds = [
  'crd-metadata-name',
  'crd-metadata-labels',
  'crd-metadata-annotations',
  'crd-metadata-owner-references',
  'crd-metadata-finalizers',
] as const;

export function validateMetadata(object: Record<string, unknown>): Finding[] {
  const meta = (object.metadata ?? {}) as Record<string, unknown>;
  const out: Finding[] = [];
  const nameRule = { rule: 'crd-metadata-name' };
  const generateName = typeof meta.generateName === 'string' ? meta.generateName : '';
  if (generateName !== '') {
    for (const msg of isDns1123Subdomain(maskTrailingDash(generateName))) out.push(fieldError.invalid({ ...nameRule, field: 'metadata.generateName' }, generateName, msg));
  }
  const name = typeof meta.name === 'string' ? meta.name : '';
  if (name === '') {
    // the apiserver makes a name from generateName before validating; a valid generateName gives a valid name
    if (generateName === '') out.push(fieldError.required({ ...nameRule, field: 'metadata.name' }, 'name or generateName is required'));
  } else {
    for (const msg of isDns1123Subdomain(name)) out.push(fieldError.invalid({ ...nameRule, field: 'metadata.name' }, name, msg));
  }
  const labels = (meta.labels ?? {}) as Record<string, string | null>;
  for (const [k, v] of Object.entries(labels)) {
    for (const msg of isQualifiedName(k)) out.push(fieldError.invalid({ rule: 'crd-metadata-labels', field: 'metadata.labels' }, k, msg));
    const value = v ?? '';
    const errs = [...(bytes(value) > 63 ? ['must be no more than 63 characters'] : []), ...(labelValue.test(value) ? [] : [labelValueMessage])];
    for (const msg of errs) out.push(fieldError.invalid({ rule: 'crd-metadata-labels', field: 'metadata.labels' }, value, msg));
  }
  const annotations = (meta.annotations ?? {}) as Record<string, string | null>;
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) out.push(fieldError.invalid({ rule: 'crd-metadata-annotations', field: 'metadata.annotations' }, k, msg));
    size += bytes(k) + bytes(v ?? '');
  }
  if (size > 256 * 1024) out.push(fieldError.tooLong({ rule: 'crd-metadata-annotations', field: 'metadata.annotations' }, 256 * 1024));
  validateOwnerReferences(meta.ownerReferences, out);
  validateFinalizers(meta.finalizers, out);
  return out;
}

/** apimachinery's ValidateOwnerReferences; the field paths carry no index, as the apiserver prints them */
function validateOwnerReferences(refs: unknown, out: Finding[]): void {
  if (!Array.isArray(refs)) return;
  const rule = { rule: 'crd-metadata-owner-references' };
  let firstController = '';
  for (const raw of refs) {
    const ref = (raw ?? {}) as Record<string, string | boolean | undefined>;
    const str = (k: string) => (typeof ref[k] === 'string' ? (ref[k] as string) : '');
    if (versionOf(str('apiVersion')) === '') out.push(fieldError.invalid({ ...rule, field: 'metadata.ownerReferences.apiVersion' }, str('apiVersion'), 'version must not be empty'));
    for (const k of ['kind', 'name', 'uid']) {
      if (str(k) === '') out.push(fieldError.invalid({ ...rule, field: `metadata.ownerReferences.${k}` }, '', `${k} must not be empty`));
    }
    if (ref.controller === true) {
      const current = `${str('kind')}/${str('name')}`;
      if (firstController === '') firstController = current;
      else {
        // the apiserver prints the whole list as Go values, pointer addresses included: not reproducible, so
        // the value is given as its type, and the message after it is the apiserver's
        out.push(
          fieldError.invalidRaw(
            { ...rule, field: 'metadata.ownerReferences' },
            '"array"',
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      }
    }
  }
}

/** schema.ParseGroupVersion's version: empty when there is none, or when the text has more than one '/' */
function versionOf(apiVersion: string): string {
  const parts = apiVersion.split('/');
  if (parts.length === 1) return parts[0];
  return parts.length === 2 ? parts[1] : '';
}

/** apimachinery's ValidateFinalizers */
function validateFinalizers(finalizers: unknown, out: Finding[]): void {
  if (!Array.isArray(finalizers)) return;
  const at = { rule: 'crd-metadata-finalizers', field: 'metadata.finalizers' };
  const names = finalizers.map((f) => (typeof f === 'string' ? f : ''));
  for (const name of names) for (const msg of isQualifiedName(name)) out.push(fieldError.invalid(at, name, msg));
  if (names.includes('orphan') && names.includes('foregroundDeletion')) {
    const printed = `[]string{${names.map(goQuote).join(', ')}}`;
    out.push(fieldError.invalidRaw(at, printed, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
}
