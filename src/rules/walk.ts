import { childPath } from './schema/paths.js';

type Key = string | number;

/**
 * A node reached by a rule path. Its Kubernetes field path and JSON pointer are built only when asked for
 * (a finding or a patch): most nodes pass their rules, and building strings for each was most of the cost
 * of an evaluation.
 */
export interface Reached {
  node: unknown;
  /** the same node in the old object, where the path has no `[*]` (atomic lists do not correlate) */
  old?: unknown;
  parent?: Record<string, unknown> | unknown[];
  key?: Key;
  /** the keys from the object to the node; valid during the visit only (copy to keep) */
  keys: readonly Key[];
}

export const fieldOf = (keys: readonly Key[]): string => keys.reduce<string>((p, k) => childPath(p, k), '');
const escapePointer = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');
export const pointerOf = (keys: readonly Key[]): string => keys.map((k) => `/${typeof k === 'number' ? k : escapePointer(k)}`).join('');

type Step = { kind: 'key'; key: string } | { kind: 'items' } | { kind: 'values' };

/** Parses `spec.targetRefs[*]`, `spec.options.*`, `.` (the object). */
export function parseRulePath(path: string): Step[] {
  if (path === '.' || path === '') return [];
  const steps: Step[] = [];
  for (const part of path.split('.')) {
    if (part === '*') {
      steps.push({ kind: 'values' });
      continue;
    }
    const m = /^([^[\]]+)((?:\[\*\])*)$/.exec(part);
    if (!m) throw new Error(`invalid rule path '${path}'`);
    steps.push({ kind: 'key', key: m[1] });
    for (let i = 0; i < m[2].length / 3; i++) steps.push({ kind: 'items' });
  }
  return steps;
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Calls `visit` for each node the path reaches; absent and null fields reach nothing (rules apply to what is there). */
export function walkPath(steps: Step[], object: unknown, old: unknown, visit: (r: Reached) => void): void {
  go(steps, [], visit, 0, object, old, old !== undefined, undefined, undefined);
}

// a module-level function rather than a closure per call: walkPath runs for every rule of every evaluation
function go(steps: Step[], keys: Key[], visit: (r: Reached) => void, i: number, node: unknown, oldNode: unknown, correlated: boolean, parent: Reached['parent'], key: Key | undefined): void {
  if (i === steps.length) {
    visit({ node, old: correlated ? oldNode : undefined, parent, key, keys });
    return;
  }
  const step = steps[i];
  if (step.kind === 'key') {
    if (!isMap(node)) return;
    const next = node[step.key];
    if (next === undefined || next === null || !Object.hasOwn(node, step.key)) return;
    keys.push(step.key);
    go(steps, keys, visit, i + 1, next, correlated && isMap(oldNode) ? oldNode[step.key] : undefined, correlated, node, step.key);
    keys.pop();
  } else if (step.kind === 'items') {
    if (!Array.isArray(node)) return;
    for (let idx = 0; idx < node.length; idx++) {
      keys.push(idx);
      go(steps, keys, visit, i + 1, node[idx], undefined, false, node, idx);
      keys.pop();
    }
  } else {
    if (!isMap(node)) return;
    for (const k of Object.keys(node)) {
      keys.push(k);
      go(steps, keys, visit, i + 1, node[k], undefined, false, node, k);
      keys.pop();
    }
  }
}
