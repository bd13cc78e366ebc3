import { parse, serialize, type ASTNode } from '@marcbachmann/cel-js';

/**
 * Rewrites a rule's CEL so that it runs in a ValidatingAdmissionPolicy, where only `object`, `oldObject`,
 * `params`, `request`... are bound: `self` becomes the node the rule applies to, and the rule's `params`
 * are written in as literals (so no param CRD is needed in the cluster).
 */
type Node = { op: string; args: unknown };

/** Functions of Kubernetes' CEL environment (v1.33) that btls's rules use; anything else stays out of the VAP. */
export const kubernetesFunctions = new Set([
  'size', 'isIP', 'startsWith', 'endsWith', 'contains', 'matches', 'lowerAscii', 'upperAscii', 'substring', 'trim', 'indexOf',
  'lastIndexOf', 'replace', 'split', 'join', 'string', 'int', 'double', 'dyn', 'has', 'all', 'exists', 'exists_one', 'map', 'filter',
]);

export class NotPortable extends Error {}

function literal(value: unknown): Node {
  if (Array.isArray(value)) return { op: 'list', args: value.map(literal) };
  if (value && typeof value === 'object') return { op: 'map', args: Object.entries(value).map(([k, v]) => [literal(k), literal(v)]) };
  if (typeof value === 'number' && Number.isInteger(value)) return { op: 'value', args: BigInt(value) };
  return { op: 'value', args: value ?? null };
}

function rewrite(node: unknown, self: Node, params: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, self, params));
  if (!node || typeof node !== 'object' || !('op' in node)) return node;
  const n = node as Node;
  if (n.op === 'id') {
    if (n.args === 'self') return self;
    if (n.args === 'references' || n.args === 'now') throw new NotPortable(`reads '${n.args}', which exists only offline`);
    if (n.args === 'oldSelf') throw new NotPortable('is a transition rule on a nested node');
    if (n.args === 'params') throw new NotPortable('reads params as a whole');
    return n;
  }
  if (n.op === '.') {
    const [target, field] = n.args as [Node, string];
    if (target.op === 'id' && target.args === 'params') {
      if (!Object.hasOwn(params, field)) throw new NotPortable(`reads params.${field}, which has no value`);
      return literal(params[field]);
    }
  }
  if (n.op === 'call' || n.op === 'rcall') {
    const name = (n.args as [string])[0];
    if (!kubernetesFunctions.has(name)) throw new NotPortable(`calls ${name}(), which Kubernetes' CEL does not have`);
  }
  return { op: n.op, args: rewrite(n.args, self, params) };
}

/** `expression` with `self` replaced by the CEL expression `selfExpr` and params written in. */
export function portable(expression: string, selfExpr: string, params: Record<string, unknown>): string {
  const self = parse(selfExpr).ast as unknown as Node;
  return serialize(rewrite(parse(expression).ast, self, params) as ASTNode);
}
