/**
 * kube-apiserver prunes null values of fields that are not nullable before it validates a custom resource
 * (none of the BackendTLSPolicy schema is nullable), so `hostname: null` is an absent hostname. List items
 * are left alone. Copies only the maps on the way to a null; an object without nulls comes back as is.
 */
export function dropNulls(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = dropNulls(value[i]);
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
    const d = dropNulls(v);
    if (d !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = d;
  }
  return out ?? value;
}
