import type { JsonPatchOp, KubeObject } from './types.js';
import { fieldOf, type Key } from './walk.js';

/** The keys of an RFC 6901 JSON pointer (list indexes as numbers). */
export function pointerKeys(pointer: string): Key[] {
  return pointer
    .slice(1)
    .split('/')
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((k) => (/^\d+$/.test(k) ? Number(k) : k));
}

/** The field path the apiserver would print for a JSON pointer: `/spec/targetRefs/0/group` -> `spec.targetRefs[0].group`. */
export function fieldOfPointer(pointer: string): string {
  return fieldOf(pointerKeys(pointer));
}

/**
 * The add / replace operations of the rule table's mutations, applied to a copy: what the apiserver stores
 * after the mutating webhook. Other operations are refused: no mutation rule makes them.
 */
export function applyMutations(object: KubeObject, ops: readonly JsonPatchOp[]): KubeObject {
  const out = structuredClone(object);
  for (const op of ops) {
    if (op.op !== 'add' && op.op !== 'replace') throw new Error(`cannot apply a '${op.op}' operation`);
    const keys = pointerKeys(op.path);
    const last = keys.pop()!;
    const holder = keys.reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, out as Record<string, unknown>);
    holder[last] = op.value;
  }
  return out;
}
