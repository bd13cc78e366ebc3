import { childPath } from './schema/paths.js';

export type Key = string | number;

/** The list or map holding a reached node. */
export type Parent = Record<string, unknown> | unknown[];

/**
 * What a rule path walk calls for each node it reaches. An object with a method rather than a callback and a
 * record per node: the engine walks a path for every rule of every evaluation, and one visitor per evaluation
 * with positional arguments allocates nothing per rule or per node.
 */
export interface NodeVisitor {
  /**
   * `old`: the same node in the old object, where the path has no `[*]` (atomic lists do not correlate).
   * `keys`: from the object to the node, valid during the call only (copy to keep). The field path and JSON
   * pointer are built from them only when asked for (a finding or a patch): most nodes pass their rules.
   */
  visit(node: unknown, old: unknown, keys: readonly Key[], parent: Parent | undefined, key: Key | undefined): void;
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

/** Calls `visitor.visit` for each node the path reaches; absent and null fields reach nothing (rules apply to what is there). */
export function walkPath(steps: Step[], object: unknown, old: unknown, visitor: NodeVisitor): void {
  go(steps, [], visitor, 0, object, old, old !== undefined, undefined, undefined);
}

function go(steps: Step[], keys: Key[], visitor: NodeVisitor, i: number, node: unknown, oldNode: unknown, correlated: boolean, parent: Parent | undefined, key: Key | undefined): void {
  if (i === steps.length) {
    visitor.visit(node, correlated ? oldNode : undefined, keys, parent, key);
    return;
  }
  const step = steps[i];
  if (step.kind === 'key') {
    if (!isMap(node)) return;
    const next = node[step.key];
    if (next === undefined || next === null || !Object.hasOwn(node, step.key)) return;
    keys.push(step.key);
    go(steps, keys, visitor, i + 1, next, correlated && isMap(oldNode) ? oldNode[step.key] : undefined, correlated, node, step.key);
    keys.pop();
  } else if (step.kind === 'items') {
    if (!Array.isArray(node)) return;
    for (let idx = 0; idx < node.length; idx++) {
      keys.push(idx);
      go(steps, keys, visitor, i + 1, node[idx], undefined, false, node, idx);
      keys.pop();
    }
  } else {
    if (!isMap(node)) return;
    for (const k of Object.keys(node)) {
      keys.push(k);
      go(steps, keys, visitor, i + 1, node[k], undefined, false, node, k);
      keys.pop();
    }
  }
}
