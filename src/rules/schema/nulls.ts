/**
 * kube-apiserver prunes null values of fields that are not nullable before it validates a custom resource
 * (none of the BackendTLSPolicy schema is nullable), so `hostname: null` is an absent hostname. List items
 * are left alone. Copies only the maps on the way to a null; an object without nulls comes back as is.
 */
export function dropNulls(value: unknown): unknown {
  return hasNullField(value) ? copyWithoutNulls(value) : value;
}

// objects rarely hold nulls: look first, without allocating, and copy only when there is one
function hasNullField(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasNullField(value[i])) return true;
    return false;
  }
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    if (v === null || (typeof v === 'object' && hasNullField(v))) return true;
  }
  return false;
}

function copyWithoutNulls(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = copyWithoutNulls(value[i]);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    if (v === null) {
      out ??= { ...(value as Record<string, unknown>) };
      delete out[k];
      continue;
    }
    const d = copyWithoutNulls(v);
    if (d !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = d;
  }
  return out ?? value;
}

/**
 * Nulls matter only where something is validated: spec and metadata's own fields. managedFields and
 * annotations can be large and are not looked into, so they are not searched for nulls either.
 */
const topLevelFields = ['apiVersion', 'kind', 'spec', 'metadata'] as const;

export function dropValidatedNulls(input: Record<string, unknown>): Record<string, unknown> {
  let out = input;
  const spec = dropNulls(input.spec);
  if (spec !== input.spec) out = { ...out, spec };
  const meta = input.metadata;
  if (meta && typeof meta === 'object' && !Array.isArray(meta)) {
    const m = meta as Record<string, unknown>;
    let trimmed: Record<string, unknown> | undefined;
    for (const k in m) if (m[k] === null) delete (trimmed ??= { ...m })[k];
    if (trimmed) out = { ...out, metadata: trimmed };
  }
  for (const k of topLevelFields) if (out[k] === null) delete (out === input ? (out = { ...input }) : out)[k];
  return out;
}
