/**
 * Bounds the webhook sets on a parsed body before anything else reads it, in one walk (this runs for every
 * review, so it allocates nothing unless it finds something):
 * - nesting depth: a deeply nested value would blow the stack of every recursive walk after it;
 * - list length: lists longer than any valid BackendTLSPolicy could hold by many orders of magnitude (the CRD
 *   allows at most 16 items per list). The apiserver validates the schema before calling a validating webhook,
 *   but a mutating webhook sees the object first, and the rules walk every item of a list before reporting
 *   "Too many": 100k items cost seconds. Refusing such an object up front keeps every answer fast;
 * - prototype keys: `__proto__`, or `constructor` holding a `prototype`, anywhere in the body. JSON.parse
 *   makes them plain own properties, harmless in themselves, but a later merge or copy through `obj[key] = v`
 *   would set a prototype. Refused as secure-json-parse refuses them, found here at no extra cost instead of
 *   by scanning the text before parsing.
 */
export const DEFAULT_MAX_LIST_ITEMS = 10_000;

export interface Bounds {
  maxDepth: number;
  maxListItems: number;
}

export type BoundsViolation = { kind: 'depth' } | { kind: 'prototype-key' } | { kind: 'list'; path: string; length: number };

type Key = string | number;

/** The first bound `value` breaks, or undefined. Recursion stops at `maxDepth`: the stack stays shallow. */
export function findBoundsViolation(value: unknown, bounds: Bounds): BoundsViolation | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const trail: Key[] = [];
  const found = search(value, bounds, 1, trail);
  if (found === undefined) return undefined;
  if (found === TOO_DEEP) return { kind: 'depth' };
  if (found === PROTOTYPE_KEY) return { kind: 'prototype-key' };
  return { kind: 'list', path: pathOf(trail.reverse()), length: found };
}

const TOO_DEEP = -1;
const PROTOTYPE_KEY = -2;

const holdsPrototype = (v: unknown): boolean => typeof v === 'object' && v !== null && Object.hasOwn(v, 'prototype');

/**
 * TOO_DEEP, PROTOTYPE_KEY, the length of the first oversized list, or undefined. Only objects and lists are
 * descended into (most nodes are leaves: no call for them), and the path to an oversized list is collected
 * while returning from it, into `trail` from the list up: nothing is pushed on the way down.
 */
function search(node: object, bounds: Bounds, depth: number, trail: Key[]): number | undefined {
  if (depth > bounds.maxDepth) return TOO_DEEP;
  if (Array.isArray(node)) {
    if (node.length > bounds.maxListItems) return node.length;
    for (let i = 0; i < node.length; i++) {
      const child: unknown = node[i];
      if (typeof child !== 'object' || child === null) continue;
      const found = search(child, bounds, depth + 1, trail);
      if (found === undefined) continue;
      if (found >= 0) trail.push(i);
      return found;
    }
    return undefined;
  }
  for (const k in node) {
    const child = (node as Record<string, unknown>)[k];
    if (k === '__proto__' || (k === 'constructor' && holdsPrototype(child))) return PROTOTYPE_KEY;
    if (typeof child !== 'object' || child === null) continue;
    const found = search(child, bounds, depth + 1, trail);
    if (found === undefined) continue;
    if (found >= 0) trail.push(k);
    return found;
  }
  return undefined;
}

/**
 * The path as the user knows it: relative to the object under review when the list is inside
 * `request.object` or `request.oldObject` (`spec.targetRefs`), else from the body's root.
 */
function pathOf(keys: readonly Key[]): string {
  const inObject = keys[0] === 'request' && (keys[1] === 'object' || keys[1] === 'oldObject');
  const rel = inObject ? keys.slice(2) : keys;
  const path = rel.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${k}` : k), '');
  return path || '<root>';
}
