/**
 * Go's JSON decoder turns a lone UTF-16 surrogate (`"\ud800"` in the JSON text) into U+FFFD, in values and in
 * keys alike, so kube-apiserver validates and prints U+FFFD where JavaScript's JSON.parse keeps the surrogate:
 * an unknown field `"spec.options.\ud800x"` is reported as `unknown field "spec.options.�x"`, and a map key is
 * part of the field path of an error. Copies only the maps and lists on the way to such a string; a well-formed
 * value comes back as is.
 */
const loneSurrogate = /\p{Cs}/u;
const loneSurrogates = /\p{Cs}/gu;
const fixed = (s: string) => (loneSurrogate.test(s) ? s.replace(loneSurrogates, '\ufffd') : s);

export function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return fixed(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = wellFormed(value[i]);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  const o = value as Record<string, unknown>;
  let changed = false;
  for (const k in o) {
    if (fixed(k) !== k || wellFormed(o[k]) !== o[k]) {
      changed = true;
      break;
    }
  }
  if (!changed) return value;
  // rebuilt in order; of two keys that become the same, the later one wins, as in Go's map
  const out: Record<string, unknown> = {};
  // (defineProperty: a key `__proto__` is an own property, as JSON.parse made it)
  for (const k in o) Object.defineProperty(out, fixed(k), { value: wellFormed(o[k]), enumerable: true, writable: true, configurable: true });
  return out;
}
