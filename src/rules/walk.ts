import { childPath } from './schema/paths.js';

/** A node reached by a rule path, with its Kubernetes field path and JSON pointer. */
export interface Reached {
  node: unknown;
  field: string;
  pointer: string;
  /** the same node in the old object, where the path has no `[*]` (atomic lists do not correlate) */
  old?: unknown;
  parent?: Record<string, unknown> | unknown[];
  key?: string | number;
}

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

const escapePointer = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** Calls `visit` for each node the path reaches; absent fields reach nothing (rules apply to what is there). */
export function walkPath(steps: Step[], object: unknown, old: unknown, visit: (r: Reached) => void): void {
  const go = (i: number, r: Reached, correlated: boolean) => {
    if (i === steps.length) {
      visit(r);
      return;
    }
    const step = steps[i];
    const node = r.node;
    if (step.kind === 'key') {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
      const obj = node as Record<string, unknown>;
      if (!Object.hasOwn(obj, step.key) || obj[step.key] === undefined || obj[step.key] === null) return;
      const oldNode = correlated && r.old && typeof r.old === 'object' ? (r.old as Record<string, unknown>)[step.key] : undefined;
      go(i + 1, { node: obj[step.key], field: childPath(r.field, step.key), pointer: `${r.pointer}/${escapePointer(step.key)}`, old: oldNode, parent: obj, key: step.key }, correlated);
    } else if (step.kind === 'items') {
      if (!Array.isArray(node)) return;
      node.forEach((item, idx) => go(i + 1, { node: item, field: childPath(r.field, idx), pointer: `${r.pointer}/${idx}`, parent: node, key: idx }, false));
    } else {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
      for (const [k, v] of Object.entries(node)) {
        go(i + 1, { node: v, field: childPath(r.field, k), pointer: `${r.pointer}/${escapePointer(k)}`, parent: node as Record<string, unknown>, key: k }, false);
      }
    }
  };
  go(0, { node: object, field: '', pointer: '', old }, old !== undefined);
}
