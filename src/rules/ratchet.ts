import type { Finding } from './types.js';

/**
 * Ratcheting, as kube-apiserver does for CRDs on UPDATE (CRDValidationRatcheting, on by default since
 * 1.30): an error on a value that the update did not change does not block it. Values are correlated by
 * field name only: atomic lists are compared whole, never item by item, as in the apiserver.
 */
export function ratchet(findings: Finding[], object: unknown, oldObject: unknown): Finding[] {
  if (oldObject === undefined || oldObject === null) return findings;
  return findings.filter((f) => {
    if (f.field === '<nil>') return true;
    const at = correlatable(f.reason === 'FieldValueRequired' ? parentOf(f.field) : f.field);
    if (at === undefined) return true;
    const before = valueAtPath(oldObject, at);
    return before === undefined || !deepEqual(valueAtPath(object, at), before);
  });
}

/** The field path cut before its first list index: items of atomic lists do not correlate. */
function correlatable(path: string): string[] | undefined {
  const cut = path.indexOf('[');
  const head = cut < 0 ? path : path.slice(0, cut);
  return head ? splitPath(head) : undefined;
}

function parentOf(path: string): string {
  const i = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return i > 0 ? path.slice(0, i) : '';
}

// map keys may contain dots (spec.options.example.com/k): the engine only reports such keys under spec.options
function splitPath(path: string): string[] {
  const m = /^spec\.options\.(.+)$/.exec(path);
  if (m) return ['spec', 'options', m[1]];
  return path.split('.');
}

function valueAtPath(object: unknown, keys: string[]): unknown {
  let node = object;
  for (const k of keys) {
    if (!node || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, k)) return undefined;
    node = (node as Record<string, unknown>)[k];
  }
  return node;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
