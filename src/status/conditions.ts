import type { Condition } from './api-types.js';

/**
 * Conditions as metav1 wants them. lastTransitionTime moves only when the status flips (metav1
 * semantics), which is also what lets an unchanged policy compare equal and skip the write.
 */

/** RFC 3339 at second precision: the API server truncates to seconds, so we never write what it would change. */
export function formatTime(now: Date): string {
  return new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

// one resolver run formats the same instant thousands of times
let lastNow = NaN;
let lastText = '';
function formatCached(now: Date): string {
  const t = now.getTime();
  if (t !== lastNow) {
    lastNow = t;
    lastText = formatTime(now);
  }
  return lastText;
}

export function condition(
  type: string,
  ok: boolean,
  reason: string,
  message: string,
  generation: number | undefined,
  now: Date,
): Condition {
  return {
    type,
    status: ok ? 'True' : 'False',
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastTransitionTime: formatCached(now),
    reason,
    message,
  };
}

/** Keep the previous lastTransitionTime of a condition whose status did not change. */
export function carryTransitionTimes(next: readonly Condition[], stored: readonly Condition[] | undefined): Condition[] {
  const previous = wellFormed(stored);
  return next.map((c) => {
    const before = previous?.find((p) => p.type === c.type);
    return before && before.status === c.status && before.lastTransitionTime
      ? { ...c, lastTransitionTime: before.lastTransitionTime }
      : c;
  });
}

/** Conditions of other types on one of our entries were set by someone else: keep them, after ours. */
export function keepForeignConditions(ours: Condition[], previous: readonly Condition[] | undefined): Condition[] {
  const types = new Set(ours.map((c) => c.type));
  return [...ours, ...wellFormed(previous).filter((c) => !types.has(c.type))].slice(0, 8);
}

/** Stored conditions that are mappings (offline input may hold anything; the API server would not store the rest). */
function wellFormed(conditions: unknown): Condition[] {
  return Array.isArray(conditions) ? conditions.filter((c): c is Condition => typeof c === 'object' && c !== null && !Array.isArray(c)) : [];
}
