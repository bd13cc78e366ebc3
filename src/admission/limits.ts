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

/** The first list longer than `max` in `value` (iterative walk), or undefined. */
export function findOversizedList(value: unknown, max: number): OversizedList | undefined {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      if (node.length > max) return { path: path || '<root>', length: node.length };
      for (let i = node.length - 1; i >= 0; i--) if (typeof node[i] === 'object' && node[i] !== null) stack.push([node[i], `${path}[${i}]`]);
    } else {
      for (const key of Object.keys(node)) {
        const child = (node as Record<string, unknown>)[key];
        if (typeof child === 'object' && child !== null) stack.push([child, path ? `${path}.${key}` : key]);
      }
    }
  }
  return undefined;
}
