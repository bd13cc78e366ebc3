import type { PolicyStatus } from './api-types.js';

/**
 * "Is a write needed?" Deep equality that ignores key order and absent-vs-undefined fields (JSON round
 * trips drop undefined), but keeps array order: the ancestors list is atomic, so order is content.
 */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canonical(x);
    }
    return out;
  }
  return v;
}

export function statusEqual(a: Partial<PolicyStatus> | undefined, b: Partial<PolicyStatus> | undefined): boolean {
  return JSON.stringify(canonical(a ?? null)) === JSON.stringify(canonical(b ?? null));
}
