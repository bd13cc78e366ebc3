import type { JsonSchema } from './structural.js';
import { fieldOf } from '../walk.js';

// ObjectMeta is `type: object` in a CRD's schema, but the apiserver decodes it strictly all the same.
const objectMetaFields = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);

/**
 * Fields the schema does not declare. kubectl asks for strict field validation by default, and the
 * apiserver then answers 400 `strict decoding error: unknown field "spec.foo"` before any validation.
 */
export function unknownFields(object: unknown, schema: JsonSchema): string[] {
  const found: string[] = [];
  if (object !== null && typeof object === 'object') walk(object, schema, [], found);
  return found;
}

/** A node that declares no fields: the schema of a string, a number, a list... or nothing at all. */
const declaresFields = (schema: JsonSchema | undefined) =>
  schema !== undefined && (schema.properties !== undefined || typeof schema.additionalProperties === 'object');

/**
 * The strict decoder walks the JSON, not the schema: a map where the schema has a string or a list still has
 * its keys checked (each one unknown), and lists are entered whatever the schema says of them. The path is
 * kept as keys and turned into a string only for an unknown field: most objects have none. Leaves are not
 * descended into (no call for them): this runs on every review the webhook checks with the CRD's rules.
 */
function walk(value: object, schema: JsonSchema | undefined, keys: Array<string | number>, found: string[]): void {
  if (Array.isArray(value)) {
    const items = schema?.type === 'array' ? (schema.items as JsonSchema | undefined) : undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === null || typeof v !== 'object') continue;
      keys.push(i);
      walk(v, items, keys, found);
      keys.pop();
    }
    return;
  }
  if (keys.length === 1 && keys[0] === 'metadata') {
    // ObjectMeta is `type: object` in the CRD, but the decoder knows its fields
    for (const key in value) if (!objectMetaFields.has(key)) found.push(fieldOf([...keys, key]));
    return;
  }
  if (!declaresFields(schema)) {
    for (const key in value) found.push(fieldOf([...keys, key]));
    return;
  }
  const props = schema!.properties as Record<string, JsonSchema> | undefined;
  const additional = schema!.additionalProperties as JsonSchema | boolean | undefined;
  for (const key in value) {
    const sub = props && Object.hasOwn(props, key) ? props[key] : typeof additional === 'object' ? additional : undefined;
    if (sub === undefined) {
      found.push(fieldOf([...keys, key]));
      continue;
    }
    const v = (value as Record<string, unknown>)[key];
    if (v === null || typeof v !== 'object') continue;
    keys.push(key);
    walk(v, sub, keys, found);
    keys.pop();
  }
}
