import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Finding } from '../types.js';
import { fieldError, jsonType } from '../field-errors.js';
import { childPath, pointerToPath, valueAt } from './paths.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export type JsonSchema = Record<string, unknown>;

/** Rule ids of the structural checks, one per OpenAPI keyword (rules/crd/crd-schema-*.yaml documents them). */
export const schemaRuleIds: Record<string, string> = {
  required: 'crd-schema-required',
  type: 'crd-schema-type',
  maxLength: 'crd-schema-max-length',
  minLength: 'crd-schema-min-length',
  pattern: 'crd-schema-pattern',
  enum: 'crd-schema-enum',
  maxItems: 'crd-schema-max-items',
  minItems: 'crd-schema-min-items',
  maxProperties: 'crd-schema-max-properties',
};

/** what a valid object gets: shared, so that the common case allocates nothing (callers only read it) */
const NONE: readonly Finding[] = Object.freeze([]);

// kube-openapi's stringValidator stops at the first of these per value, in this order
const stringOrder = ['maxLength', 'minLength', 'pattern'];

export interface StructuralOptions {
  /** the rule id to report per keyword, where it is not the CRD's own (schemaRuleIds) */
  ruleIds?: Record<string, string>;
}

/**
 * The CRD's OpenAPI schema, checked with ajv and reported the way kube-apiserver reports it
 * (apiextensions-apiserver validation.go + kube-openapi messages). `status` is left out: the status
 * subresource makes the apiserver ignore it on writes to the main resource.
 */
export class StructuralValidator {
  private readonly validate: ValidateFunction;

  private readonly ruleIds: Record<string, string>;

  constructor(schema: JsonSchema, options: StructuralOptions = {}) {
    this.ruleIds = { ...schemaRuleIds, ...options.ruleIds };
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true, unicodeRegExp: true });
    addFormats(ajv);
    const { status: _status, ...properties } = (schema.properties ?? {}) as Record<string, unknown>;
    this.validate = ajv.compile({ ...schema, properties });
  }

  check(object: unknown): readonly Finding[] {
    if (this.validate(object)) return NONE;
    const errors = this.validate.errors ?? [];
    const findings: Finding[] = [];
    const stringErrorSeen = new Set<string>();
    // ajv reports keywords in its own order; kube-openapi reports at most one string error per value
    const ordered = [...errors].sort((a, b) => stringRank(a) - stringRank(b));
    for (const e of ordered) {
      if (stringOrder.includes(e.keyword)) {
        if (stringErrorSeen.has(e.instancePath)) continue;
        stringErrorSeen.add(e.instancePath);
      }
      const f = toFinding(e, object, this.ruleIds);
      if (f) findings.push(f);
    }
    return findings;
  }
}

function stringRank(e: ErrorObject): number {
  const i = stringOrder.indexOf(e.keyword);
  return i < 0 ? 0 : i;
}

function toFinding(e: ErrorObject, object: unknown, ruleIds: Record<string, string>): Finding | undefined {
  // ajv follows a key's own error (maxLength) with one naming the map: the first says it all, and printing the
  // map (its keys may be megabytes long) would cost more than the check saves
  if (e.keyword === 'propertyNames') return undefined;
  const path = pointerToPath(e.instancePath, object);
  const value = valueAt(e.instancePath, object);
  const rule = ruleIds[e.keyword] ?? `crd-schema-${e.keyword}`;
  const at = { rule, field: path };
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return fieldError.required({ rule, field: childPath(path, String(p.missingProperty)) });
    case 'type': {
      const actual = jsonType(value);
      return fieldError.typeInvalid(at, actual, `${path} in body must be of type ${String(p.type)}: "${actual}"`);
    }
    case 'maxLength':
      return fieldError.tooLong(at, Number(p.limit));
    case 'minLength':
      return fieldError.invalid(at, value, `${path} in body should be at least ${Number(p.limit)} chars long`);
    case 'pattern':
      return fieldError.invalid(at, value, `${path} in body should match '${String(p.pattern)}'`);
    case 'enum':
      return fieldError.notSupported(at, value, (p.allowedValues as unknown[]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))));
    case 'maxItems':
      return fieldError.tooMany(at, (value as unknown[]).length, Number(p.limit));
    case 'minItems':
      return fieldError.invalid(at, (value as unknown[]).length, `${path} in body should have at least ${Number(p.limit)} items`);
    case 'maxProperties':
      return fieldError.tooMany(at, Object.keys(value as object).length, Number(p.limit));
    case 'format':
      return fieldError.invalid(at, value, `${path} in body must be of type ${String(p.format)}: ${JSON.stringify(value)}`);
    default:
      return fieldError.invalid(at, value, e.message ?? e.keyword);
  }
}

/**
 * The schema's types, and its size limits widened `sizeFactor` times (0: none), and nothing else (no enum,
 * pattern, required, format, CEL). What a webhook can check against a pinned copy of the CRD and stay right when
 * the cluster serves a newer Gateway API: v1 fields never change type, while enums grow, limits and patterns
 * relax, and fields are added. The widened limits bound the work of the rules on a review that did not come
 * through the apiserver (which enforces the CRD's own limits first): without them a 6 MiB URI or a list of
 * thousands of SANs reach functions that cost a microsecond per character.
 */
export function typesOnly(schema: JsonSchema, sizeFactor = 0): JsonSchema {
  const out: JsonSchema = {};
  if (schema.type !== undefined) out.type = schema.type;
  if (sizeFactor > 0) {
    for (const k of ['maxLength', 'maxItems', 'maxProperties'] as const) {
      if (typeof schema[k] === 'number') out[k] = (schema[k] as number) * sizeFactor;
    }
    // an enum or a string without a limit is bounded by its longest allowed value, or a generous default
    if (schema.type === 'string' && out.maxLength === undefined) {
      const longest = Array.isArray(schema.enum) ? Math.max(...schema.enum.map((v) => String(v).length)) : UNLIMITED_STRING;
      out.maxLength = Math.max(longest * sizeFactor, 64);
    }
  }
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  // a null field is an absent one (the apiserver drops it before validating); a null list item is not
  if (props) out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, { ...typesOnly(v, sizeFactor), nullable: true }]));
  const items = schema.items as JsonSchema | undefined;
  if (items && typeof items === 'object') out.items = typesOnly(items, sizeFactor);
  const extra = schema.additionalProperties as JsonSchema | boolean | undefined;
  if (extra && typeof extra === 'object') {
    out.additionalProperties = typesOnly(extra, sizeFactor);
    // a map's keys have no limit in the CRD (OpenAPI cannot say it), though Gateway API types them
    // (AnnotationKey: at most 253 characters); rules read them, so they are bounded too
    if (sizeFactor > 0) out.propertyNames = { maxLength: MAP_KEY_LENGTH * sizeFactor };
  }
  return out;
}

/** Gateway API's AnnotationKey MaxLength, the key type of its maps (spec.options) */
const MAP_KEY_LENGTH = 253;

/** what a string field without a maxLength (or enum) may hold before the widened limits refuse it */
const UNLIMITED_STRING = 4096;
