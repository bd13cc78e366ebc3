import { buildPathTree, parseRulePath, walkTree, type Key } from '../../src/rules/walk.js';

type Visit = { path: string; node: unknown; old: unknown; keys: Key[] };

const paths = ['.', 'spec', 'spec.targetRefs', 'spec.targetRefs[*]', 'spec.targetRefs[*].name', 'spec.validation.hostname', 'spec.validation.subjectAltNames[*].hostname', 'spec.options.*', 'spec.absent.deeper', 'spec.nulled'];

const object = {
  spec: {
    targetRefs: [{ name: 'a' }, { name: 'b' }, null],
    validation: { hostname: 'h', subjectAltNames: [{ hostname: 'x' }, { uri: 'spiffe://y' }] },
    options: { k1: 'v1', k2: 'v2' },
    nulled: null,
  },
};
const old = { spec: { targetRefs: [{ name: 'a' }], validation: { hostname: 'old-h' }, options: { k1: 'v0' } } };

/** What each path reaches when it is walked alone (a tree of that one path), as records. */
function alone(o: unknown, oldObject: unknown): Visit[] {
  const out: Visit[] = [];
  for (const path of paths) {
    const tree = buildPathTree([{ steps: parseRulePath(path), item: path }]);
    walkTree(tree, o, oldObject, { visitAll: (_items, node, oldNode, keys) => out.push({ path, node, old: oldNode, keys: [...keys] }) });
  }
  return out;
}

function together(o: unknown, oldObject: unknown): Visit[] {
  const tree = buildPathTree(paths.map((path) => ({ steps: parseRulePath(path), item: path })));
  const out: Visit[] = [];
  walkTree(tree, o, oldObject, { visitAll: (items, node, oldNode, keys) => items.forEach((path) => out.push({ path, node, old: oldNode, keys: [...keys] })) });
  return out;
}

const byPath = (vs: Visit[]) => paths.map((p) => vs.filter((v) => v.path === p));

describe('the path tree', () => {
  it('reaches what a path names, correlating old nodes only along keys', () => {
    const got = (path: string) => alone(object, old).filter((v) => v.path === path).map(({ node, old: o, keys }) => ({ node, old: o, keys }));
    expect(got('.')).toEqual([{ node: object, old, keys: [] }]);
    expect(got('spec.validation.hostname')).toEqual([{ node: 'h', old: 'old-h', keys: ['spec', 'validation', 'hostname'] }]);
    // list items and map values do not correlate with the old object (atomic lists), null items are reached
    expect(got('spec.targetRefs[*]')).toEqual([
      { node: { name: 'a' }, old: undefined, keys: ['spec', 'targetRefs', 0] },
      { node: { name: 'b' }, old: undefined, keys: ['spec', 'targetRefs', 1] },
      { node: null, old: undefined, keys: ['spec', 'targetRefs', 2] },
    ]);
    expect(got('spec.targetRefs[*].name').map((v) => v.node)).toEqual(['a', 'b']);
    expect(got('spec.validation.subjectAltNames[*].hostname').map((v) => v.keys)).toEqual([['spec', 'validation', 'subjectAltNames', 0, 'hostname']]);
    expect(got('spec.options.*').map((v) => [v.keys[2], v.node, v.old])).toEqual([['k1', 'v1', undefined], ['k2', 'v2', undefined]]);
    // absent and null fields reach nothing
    expect(got('spec.absent.deeper')).toEqual([]);
    expect(got('spec.nulled')).toEqual([]);
  });

  it('reaches, for each path, the nodes, old nodes and keys its own walk reaches, in the same order', () => {
    expect(byPath(together(object, old))).toEqual(byPath(alone(object, old)));
    expect(byPath(together(object, undefined))).toEqual(byPath(alone(object, undefined)));
  });

  it('takes a shared step once: paths under one key are reached from the same parent', () => {
    const seen: string[] = [];
    const tree = buildPathTree(paths.map((path) => ({ steps: parseRulePath(path), item: path })));
    walkTree(tree, object, undefined, { visitAll: (items) => seen.push(items.join('+')) });
    // the tree's order: a node's own items, then its keys in the order first seen, then list items, then map values
    expect(seen.slice(0, 4)).toEqual(['.', 'spec', 'spec.targetRefs', 'spec.targetRefs[*]']);
    expect(seen).toHaveLength(alone(object, undefined).length);
  });

  it('reaches nothing under absent, null or mistyped nodes', () => {
    expect(together({ spec: { targetRefs: 'not a list', options: ['not', 'a map'], validation: null } }, undefined).map((v) => v.path)).toEqual(['.', 'spec', 'spec.targetRefs']);
    expect(together(null, undefined).map((v) => v.path)).toEqual(['.']);
  });
});
