import { childPath } from './schema/paths.js';

export type Key = string | number;

export const fieldOf = (keys: readonly Key[]): string => keys.reduce<string>((p, k) => childPath(p, k), '');
const escapePointer = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');
export const pointerOf = (keys: readonly Key[]): string => keys.map((k) => `/${typeof k === 'number' ? k : escapePointer(k)}`).join('');

export type Step = { kind: 'key'; key: string } | { kind: 'items' } | { kind: 'values' };

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

/**
 * Many rule paths share their first steps (`spec.validation.…`, `spec.targetRefs[*]`). A tree of the paths lets
 * one walk reach every node any rule applies to, each shared step taken once: the webhook evaluates every
 * review on a cold cache, where each step of each rule's own walk cost several times what it costs in a loop.
 */
export interface PathTree<T> {
  /** what applies to the node this branch reaches */
  items: T[];
  /**
   * one per field name, in the order first given; a list, not a Map: iterating a Map allocates an iterator and
   * an entry per branch, which was two thirds of what an evaluation allocated
   */
  branches: Array<{ key: string; tree: PathTree<T> }>;
  listItems?: PathTree<T>;
  mapValues?: PathTree<T>;
}

/** What a tree walk calls at each node one or more items apply to. */
export interface TreeVisitor<T> {
  /**
   * `old`: the same node in the old object, where the path has no `[*]` (atomic lists do not correlate).
   * `keys`: from the object to the node (empty at the object itself), valid during the call only (copy to
   * keep). The field path and JSON pointer are built from them only when asked for (a finding or a patch):
   * most nodes pass their rules.
   */
  visitAll(items: readonly T[], node: unknown, old: unknown, keys: readonly Key[]): void;
}

const emptyTree = <T>(): PathTree<T> => ({ items: [], branches: [] });

/** Builds the tree of `entries`' paths; items keep the order they were given in at each node. */
export function buildPathTree<T>(entries: ReadonlyArray<{ steps: readonly Step[]; item: T }>): PathTree<T> {
  const root = emptyTree<T>();
  for (const { steps, item } of entries) {
    let at = root;
    for (const step of steps) {
      if (step.kind === 'key') {
        let next = at.branches.find((b) => b.key === step.key)?.tree;
        if (!next) at.branches.push({ key: step.key, tree: (next = emptyTree<T>()) });
        at = next;
      } else if (step.kind === 'items') at = at.listItems ??= emptyTree<T>();
      else at = at.mapValues ??= emptyTree<T>();
    }
    at.items.push(item);
  }
  return root;
}

/**
 * Visits what each path of the tree reaches; absent and null fields reach nothing (rules apply to what is
 * there). Each path reaches the nodes it would reach alone, in the same order; the order across different
 * paths is the tree's, not the entries'.
 */
export function walkTree<T>(tree: PathTree<T>, object: unknown, old: unknown, visitor: TreeVisitor<T>): void {
  goTree(tree, [], visitor, object, old, old !== undefined);
}

function goTree<T>(tree: PathTree<T>, keys: Key[], visitor: TreeVisitor<T>, node: unknown, oldNode: unknown, correlated: boolean): void {
  if (tree.items.length > 0) visitor.visitAll(tree.items, node, correlated ? oldNode : undefined, keys);
  const branches = tree.branches;
  if (branches.length > 0 && isMap(node)) {
    for (let i = 0; i < branches.length; i++) {
      const k = branches[i].key;
      const next = node[k];
      if (next === undefined || next === null || !Object.hasOwn(node, k)) continue;
      keys.push(k);
      goTree(branches[i].tree, keys, visitor, next, correlated && isMap(oldNode) ? oldNode[k] : undefined, correlated);
      keys.pop();
    }
  }
  if (tree.listItems && Array.isArray(node)) {
    for (let idx = 0; idx < node.length; idx++) {
      keys.push(idx);
      goTree(tree.listItems, keys, visitor, node[idx], undefined, false);
      keys.pop();
    }
  }
  if (tree.mapValues && isMap(node)) {
    for (const k of Object.keys(node)) {
      keys.push(k);
      goTree(tree.mapValues, keys, visitor, node[k], undefined, false);
      keys.pop();
    }
  }
}
