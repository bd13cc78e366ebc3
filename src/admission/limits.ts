/**
 * A bound the webhook sets before handing an object to the rules: lists longer than any valid BackendTLSPolicy
 * could hold by many orders of magnitude (the CRD allows at most 16 items per list). The apiserver validates
 * the schema before calling a validating webhook, but a mutating webhook sees the object first, and the rules
 * walk every item of a list before reporting "Too many": 100k items cost seconds. Refusing such an object up
 * front keeps every answer fast; the message says why.
 */
export const DEFAULT_MAX_LIST_ITEMS = 10_000;

export interface OversizedList {
  path: string;
  length: number;
}

/**
 * The first list longer than `max` in `value`, or undefined. The body's depth is already bounded (the JSON
 * parser refuses deeper bodies), so plain recursion is safe; the path is built only for a list that is found.
 */
export function findOversizedList(value: unknown, max: number): OversizedList | undefined {
  const keys: Array<string | number> = [];
  const found = search(value, max, keys);
  if (found === undefined) return undefined;
  const path = keys.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${k}` : k), '');
  return { path: path || '<root>', length: found };
}

/** The length of the first oversized list below `node`; `keys` is left holding the path to it. */
function search(node: unknown, max: number, keys: Array<string | number>): number | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  if (Array.isArray(node)) {
    if (node.length > max) return node.length;
    for (let i = 0; i < node.length; i++) {
      keys.push(i);
      const found = search(node[i], max, keys);
      if (found !== undefined) return found;
      keys.pop();
    }
    return undefined;
  }
  for (const k in node) {
    keys.push(k);
    const found = search((node as Record<string, unknown>)[k], max, keys);
    if (found !== undefined) return found;
    keys.pop();
  }
  return undefined;
}
