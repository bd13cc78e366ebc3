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
  walk(object, schema, [], found);
  return found;
}

// the path is kept as keys and turned into a string only for an unknown field: most objects have none
function walk(value: unknown, schema: JsonSchema | undefined, keys: Array<string | number>, found: string[]): void {
  if (!schema || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    const items = schema.items as JsonSchema | undefined;
    if (!items || (!items.properties && typeof items.additionalProperties !== 'object' && !items.items)) return;
    for (let i = 0; i < value.length; i++) {
      keys.push(i);
      walk(value[i], items, keys, found);
      keys.pop();
    }
    return;
  }
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  const additional = schema.additionalProperties as JsonSchema | boolean | undefined;
  const atRoot = keys.length === 0;
  const inMetadata = keys.length === 1 && keys[0] === 'metadata';
  for (const key of Object.keys(value)) {
    if (atRoot && key === 'status') continue;
    const v = (value as Record<string, unknown>)[key];
    if (inMetadata) {
      if (!objectMetaFields.has(key)) found.push(fieldOf([...keys, key]));
      continue;
    }
    if (props && Object.hasOwn(props, key)) {
      keys.push(key);
      walk(v, props[key], keys, found);
      keys.pop();
    } else if (typeof additional === 'object') {
      keys.push(key);
      walk(v, additional, keys, found);
      keys.pop();
    } else if (props || additional === false) found.push(fieldOf([...keys, key]));
  }
}
