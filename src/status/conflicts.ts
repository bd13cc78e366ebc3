import { keyOf, namespaceOf, refsOf, type BackendTLSPolicy, type ObjectReference } from './snapshot.js';

/**
 * Precedence between policies that select the same target and sectionName (GEP-713, as written on
 * BackendTLSPolicySpec.targetRefs): the older creationTimestamp wins, then `namespace/name` in
 * alphabetical order. A targetRef without sectionName and one with a sectionName do not conflict.
 *
 * A missing creationTimestamp (offline manifests) cannot be ordered against a real one, so within a
 * group where any policy lacks one, only names decide; that keeps the order total and deterministic.
 */

export function targetKey(namespace: string, ref: ObjectReference): string {
  return `${namespace}/${ref.group ?? ''}/${ref.kind ?? ''}/${ref.name}/${ref.sectionName ?? ''}`;
}

export function policyKey(p: BackendTLSPolicy): string {
  return keyOf(namespaceOf(p), p.metadata.name);
}

function timeOf(p: BackendTLSPolicy): number | undefined {
  const ts = p.metadata.creationTimestamp;
  if (!ts) return undefined;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? undefined : t;
}

export interface ConflictIndex {
  /** the policy that takes precedence over `policy` for this target, or undefined when `policy` wins */
  winnerOver(policy: BackendTLSPolicy, ref: ObjectReference): BackendTLSPolicy | undefined;
  /** every policy that selects the same target (the peers whose status moves when one of them changes) */
  peers(namespace: string, ref: ObjectReference): readonly BackendTLSPolicy[];
}

function byPrecedence(group: BackendTLSPolicy[]): BackendTLSPolicy[] {
  const times = group.map(timeOf);
  const useTime = times.every((t) => t !== undefined);
  return [...group].sort((a, b) => {
    if (useTime) {
      const d = timeOf(a)! - timeOf(b)!;
      if (d !== 0) return d;
    }
    const ka = policyKey(a);
    const kb = policyKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

export function buildConflictIndex(policies: readonly BackendTLSPolicy[]): ConflictIndex {
  const groups = new Map<string, BackendTLSPolicy[]>();
  for (const p of policies) {
    const ns = namespaceOf(p);
    // a policy that names the same target twice still counts once in its group
    const seen = new Set<string>();
    for (const ref of refsOf(p.spec?.targetRefs)) {
      const k = targetKey(ns, ref);
      if (seen.has(k)) continue;
      seen.add(k);
      let g = groups.get(k);
      if (!g) groups.set(k, (g = []));
      g.push(p);
    }
  }
  const winners = new Map<string, BackendTLSPolicy>();
  for (const [k, g] of groups) {
    if (g.length > 1) groups.set(k, byPrecedence(g));
    winners.set(k, groups.get(k)![0]!);
  }
  return {
    winnerOver(policy, ref) {
      const w = winners.get(targetKey(namespaceOf(policy), ref));
      return !w || policyKey(w) === policyKey(policy) ? undefined : w;
    },
    peers: (namespace, ref) => groups.get(targetKey(namespace, ref)) ?? [],
  };
}
