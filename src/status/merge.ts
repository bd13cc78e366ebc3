import { GATEWAY_GROUP, MAX_ANCESTORS, type ParentReference, type PolicyAncestorStatus, type PolicyStatus } from './api-types.js';
import { ancestorKey } from './ancestors.js';
import { carryTransitionTimes, keepForeignConditions } from './conditions.js';

/**
 * Merge our freshly computed entries into the stored PolicyStatus. The list is a map keyed by
 * (ancestorRef, controllerName): other controllers' entries stay exactly where and as they are, ours are
 * updated in place, our entries for ancestors that no longer reach the policy are dropped, and new ones
 * are appended in the resolver's order. Never reordering keeps two writers from ping-ponging the list.
 * The list holds at most 16 entries; when full, nothing is added and the rest is returned as overflow.
 */

/** The API server defaults ParentReference group/kind; compare stored and computed refs as it would store them. */
export function storedAncestorKey(ref: ParentReference): string {
  return ancestorKey({ ...ref, group: ref.group ?? GATEWAY_GROUP, kind: ref.kind ?? 'Gateway' });
}

export interface MergeResult {
  status: PolicyStatus;
  /** ancestors we would have written but for the 16-entry limit */
  overflow: ParentReference[];
}

export function mergeStatus(
  stored: Partial<PolicyStatus> | undefined,
  ours: readonly PolicyAncestorStatus[],
  controllerName: string,
): MergeResult {
  const wanted = new Map(ours.map((e) => [storedAncestorKey(e.ancestorRef), e]));
  const placed = new Set<string>();
  const ancestors: PolicyAncestorStatus[] = [];
  for (const entry of Array.isArray(stored?.ancestors) ? stored.ancestors : []) {
    // an entry without an ancestorRef mapping cannot be stored (the schema requires it): never write it back
    if (typeof entry !== 'object' || entry === null || typeof entry.ancestorRef !== 'object' || entry.ancestorRef === null) continue;
    if (entry.controllerName !== controllerName) {
      ancestors.push(entry);
      continue;
    }
    const k = storedAncestorKey(entry.ancestorRef);
    const next = wanted.get(k);
    if (!next || placed.has(k)) continue; // stale, or a duplicate of one we already placed
    placed.add(k);
    ancestors.push(withHistory(next, entry));
  }
  const overflow: ParentReference[] = [];
  for (const [k, e] of wanted) {
    if (placed.has(k)) continue;
    if (ancestors.length >= MAX_ANCESTORS) overflow.push(e.ancestorRef);
    else ancestors.push(e);
  }
  return { status: { ancestors }, overflow };
}

function withHistory(next: PolicyAncestorStatus, before: PolicyAncestorStatus): PolicyAncestorStatus {
  const conditions = keepForeignConditions(carryTransitionTimes(next.conditions, before.conditions), before.conditions);
  // keep the stored ref as written (the server may have defaulted fields); the key already matched
  return { ancestorRef: before.ancestorRef, controllerName: next.controllerName, conditions };
}
