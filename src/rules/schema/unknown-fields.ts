import type { JsonSchema } from './structural.js';
import { childPath } from './paths.js';

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
  walk(object, schema, '', found);
  return found;
}

function walk(value: unknown, schema: JsonSchema | undefined, path: string, found: string[]): void {
  if (!schema || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    const items = schema.items as JsonSchema | undefined;
    value.forEach((v, i) => walk(v, items, childPath(path, i), found));
    return;
  }
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  const additional = schema.additionalProperties as JsonSchema | boolean | undefined;
  for (const [key, v] of Object.entries(value)) {
    const sub = childPath(path, key);
    if (path === '' && key === 'status') continue;
    if (path === 'metadata') {
      if (!objectMetaFields.has(key)) found.push(sub);
      continue;
    }
    if (props && Object.hasOwn(props, key)) walk(v, props[key], sub, found);
    else if (typeof additional === 'object') walk(v, additional, sub, found);
    else if (props || additional === false) found.push(sub);
  }
}
