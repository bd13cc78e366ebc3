import { buildPathTree, parseRulePath, walkPath, walkTree, type Key } from '../../src/rules/walk.js';

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

/** What walkPath gives for each path alone, as records. */
function alone(o: unknown, oldObject: unknown): Visit[] {
  const out: Visit[] = [];
  for (const path of paths) {
    walkPath(parseRulePath(path), o, oldObject, { visit: (node, oldNode, keys) => out.push({ path, node, old: oldNode, keys: [...keys] }) });
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
