import { isIP as netIsIP } from 'node:net';

/**
 * Runtime of compiled CEL: values are plain JSON values (int and double are both JS numbers, so
 * int/uint/double overloads collapse: fine for Kubernetes objects, which carry JSON numbers).
 * Errors are values, as in cel-go: each operation passes an incoming error on, and only `&&`, `||`,
 * `?:` and the `all`/`exists` macros may absorb one. That keeps compiled code free of try/catch.
 */
export class CelError {
  constructor(readonly message: string) {}
  toString(): string {
    return this.message;
  }
}

export const isErr = (v: unknown): v is CelError => v instanceof CelError;

const noOverload = (fn: string) => new CelError(`no such overload: ${fn}`);

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof CelError) && !(v instanceof Uint8Array);
}

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null_type';
  if (Array.isArray(v)) return 'list';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'double';
    default:
      return v instanceof Uint8Array ? 'bytes' : 'map';
  }
}

function select(o: unknown, key: string): unknown {
  if (isErr(o)) return o;
  if (isMap(o)) return Object.hasOwn(o, key) && o[key] !== undefined ? o[key] : new CelError(`no such key: ${key}`);
  return noOverload(`.${key} on ${typeName(o)}`);
}

function has(o: unknown, key: string): unknown {
  if (isErr(o)) return o;
  if (isMap(o)) return Object.hasOwn(o, key) && o[key] !== undefined;
  return noOverload(`has() on ${typeName(o)}`);
}

function index(o: unknown, i: unknown): unknown {
  if (isErr(o)) return o;
  if (isErr(i)) return i;
  if (Array.isArray(o)) {
    if (typeof i !== 'number' || !Number.isInteger(i)) return noOverload('_[_]');
    return i >= 0 && i < o.length ? o[i] : new CelError(`index out of bounds: ${i}`);
  }
  if (isMap(o)) {
    const k = typeof i === 'string' ? i : typeof i === 'number' || typeof i === 'boolean' ? String(i) : undefined;
    if (k === undefined) return noOverload('_[_]');
    return Object.hasOwn(o, k) && o[k] !== undefined ? o[k] : new CelError(`no such key: ${k}`);
  }
  return noOverload('_[_]');
}

function equals(a: unknown, b: unknown): boolean | CelError {
  if (a === b) return true;
  if (isErr(a)) return a;
  if (isErr(b)) return b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const r = equals(a[i], b[i]);
      if (r !== true) return r;
    }
    return true;
  }
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) {
      if (!Object.hasOwn(b, k)) return false;
      const r = equals(a[k], b[k]);
      if (r !== true) return r;
    }
    return true;
  }
  if (a === null || a === undefined) return b === null || b === undefined;
  return false;
}

function eq(a: unknown, b: unknown): unknown {
  return a === b ? true : equals(a, b);
}

function ne(a: unknown, b: unknown): unknown {
  const r = a === b ? true : equals(a, b);
  return typeof r === 'boolean' ? !r : r;
}

function compare(op: string, a: unknown, b: unknown): number | CelError {
  if (isErr(a)) return a;
  if (isErr(b)) return b;
  const ta = typeof a;
  if (ta !== typeof b || !(ta === 'number' || ta === 'string' || ta === 'boolean')) return noOverload(op);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : Number.isNaN(a) || Number.isNaN(b) ? NaN : 0;
}

const lt = (a: unknown, b: unknown) => cmp('_<_', a, b, (c) => c < 0);
const le = (a: unknown, b: unknown) => cmp('_<=_', a, b, (c) => c <= 0);
const gt = (a: unknown, b: unknown) => cmp('_>_', a, b, (c) => c > 0);
const ge = (a: unknown, b: unknown) => cmp('_>=_', a, b, (c) => c >= 0);

function cmp(op: string, a: unknown, b: unknown, test: (c: number) => boolean): unknown {
  if (typeof a === 'number' && typeof b === 'number') return test(a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN);
  const c = compare(op, a, b);
  return isErr(c) ? c : test(c);
}

function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (isErr(a)) return a;
  if (isErr(b)) return b;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  return noOverload('_+_');
}

function arith(op: string, a: unknown, b: unknown): unknown {
  if (isErr(a)) return a;
  if (isErr(b)) return b;
  if (typeof a !== 'number' || typeof b !== 'number') return noOverload(op);
  switch (op) {
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b === 0 && Number.isInteger(a) && Number.isInteger(b)) return new CelError('division by zero');
      return Number.isInteger(a) && Number.isInteger(b) ? Math.trunc(a / b) : a / b;
    default:
      if (b === 0) return new CelError('modulus by zero');
      return a % b;
  }
}

function neg(a: unknown): unknown {
  if (isErr(a)) return a;
  return typeof a === 'number' ? -a : noOverload('-_');
}

/** `&&`, `||`, `!_` and `?:` get a non-bool operand only through a type error: report the first error. */
function boolErr(op: string, ...vs: unknown[]): CelError {
  for (const v of vs) if (isErr(v)) return v;
  return noOverload(op);
}

const surrogate = /[\uD800-\uDFFF]/;

function codePoints(s: string): number {
  return surrogate.test(s) ? Array.from(s).length : s.length;
}

function size(v: unknown): unknown {
  if (typeof v === 'string') return codePoints(v);
  if (Array.isArray(v)) return v.length;
  if (isErr(v)) return v;
  if (v instanceof Uint8Array) return v.length;
  if (isMap(v)) return Object.keys(v).length;
  return noOverload('size');
}

function inOp(elem: unknown, container: unknown): unknown {
  if (isErr(container)) return container;
  if (Array.isArray(container)) {
    let firstErr: CelError | undefined;
    for (const x of container) {
      const r = eq(elem, x);
      if (r === true) return true;
      if (isErr(r)) firstErr ??= r;
    }
    return firstErr ?? false;
  }
  if (isErr(elem)) return elem;
  if (isMap(container)) {
    return typeof elem === 'string' || typeof elem === 'number' || typeof elem === 'boolean'
      ? Object.hasOwn(container, String(elem))
      : noOverload('@in');
  }
  return noOverload('@in');
}

function str(fn: string, v: unknown, ...args: unknown[]): CelError | undefined {
  if (isErr(v)) return v;
  for (const a of args) if (isErr(a)) return a;
  if (typeof v !== 'string') return noOverload(fn);
  return undefined;
}

// Regexes compile once per pattern; patterns come from the rule table, not from objects, in every
// rule btls ships. A pattern taken from object data would still be bounded by the field's maxLength.
const regexCache = new Map<string, RegExp>();
function regex(pattern: string): RegExp | CelError {
  let re = regexCache.get(pattern);
  if (!re) {
    try {
      re = new RegExp(pattern, 'u');
    } catch (e) {
      return new CelError(`invalid regex: ${(e as Error).message}`);
    }
    regexCache.set(pattern, re);
  }
  return re;
}

const lowerAscii = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
const upperAscii = (s: string) => s.replace(/[a-z]+/g, (m) => m.toUpperCase());

function substring(s: string, start: unknown, end?: unknown): unknown {
  const cps = surrogate.test(s) ? Array.from(s) : null;
  const n = cps ? cps.length : s.length;
  const e = end === undefined ? n : end;
  if (typeof start !== 'number' || typeof e !== 'number') return noOverload('substring');
  if (start < 0 || start > n || e < start || e > n) return new CelError(`index out of range: ${start}..${e}`);
  return cps ? cps.slice(start, e).join('') : s.slice(start, e);
}

// Go's unicode.IsSpace, which the strings extension's trim() uses (JavaScript's trim() differs on U+0085 and U+FEFF)
const goSpace = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const goTrim = new RegExp(`^${goSpace}+|${goSpace}+$`, 'gu');
const goTrimSpace = (s: string) => s.replace(goTrim, '');

/** indexOf / lastIndexOf in code points, with the optional start offset of the strings extension. */
function indexOf(s: string, p: unknown, from: unknown, last: boolean): unknown {
  if (typeof p !== 'string' || (from !== undefined && typeof from !== 'number')) return noOverload(last ? 'lastIndexOf' : 'indexOf');
  const cps = Array.from(s);
  const needle = Array.from(p);
  const start = from === undefined ? (last ? cps.length : 0) : from;
  if (start < 0 || start > cps.length) return new CelError(`index out of range: ${start}`);
  const matchAt = (i: number) => needle.every((c, j) => cps[i + j] === c);
  if (last) {
    for (let i = Math.min(start, cps.length - needle.length); i >= 0; i--) if (matchAt(i)) return i;
  } else {
    for (let i = start; i + needle.length <= cps.length; i++) if (matchAt(i)) return i;
  }
  return -1;
}

/** Methods called on a receiver: `target.name(args)`. */
const methods: Record<string, (t: unknown, ...a: unknown[]) => unknown> = {
  size: (t) => size(t),
  startsWith: (t, p) => str('startsWith', t, p) ?? (typeof p === 'string' ? (t as string).startsWith(p) : noOverload('startsWith')),
  endsWith: (t, p) => str('endsWith', t, p) ?? (typeof p === 'string' ? (t as string).endsWith(p) : noOverload('endsWith')),
  contains: (t, p) => str('contains', t, p) ?? (typeof p === 'string' ? (t as string).includes(p) : noOverload('contains')),
  matches: (t, p) => {
    const e = str('matches', t, p);
    if (e) return e;
    if (typeof p !== 'string') return noOverload('matches');
    const re = regex(p);
    return isErr(re) ? re : re.test(t as string);
  },
  lowerAscii: (t) => str('lowerAscii', t) ?? lowerAscii(t as string),
  upperAscii: (t) => str('upperAscii', t) ?? upperAscii(t as string),
  trim: (t) => str('trim', t) ?? goTrimSpace(t as string),
  substring: (t, s, e) => str('substring', t, s, e) ?? substring(t as string, s, e),
  indexOf: (t, p, from) => str('indexOf', t, p, from) ?? indexOf(t as string, p, from, false),
  lastIndexOf: (t, p, from) => str('lastIndexOf', t, p, from) ?? indexOf(t as string, p, from, true),
  replace: (t, a, b, n) => {
    const e = str('replace', t, a, b, n);
    if (e) return e;
    if (typeof a !== 'string' || typeof b !== 'string' || (n !== undefined && typeof n !== 'number')) return noOverload('replace');
    const parts = (t as string).split(a);
    if (n === undefined || n < 0 || n >= parts.length - 1) return parts.join(b);
    return parts.slice(0, n + 1).join(b) + a + parts.slice(n + 1).join(a);
  },
  split: (t, sep, n) => {
    const e = str('split', t, sep, n);
    if (e) return e;
    if (typeof sep !== 'string' || (n !== undefined && typeof n !== 'number')) return noOverload('split');
    const parts = (t as string).split(sep);
    if (n === undefined || n < 0 || n >= parts.length) return parts;
    if (n === 0) return [];
    return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
  },
  join: (t, sep) => {
    if (isErr(t)) return t;
    if (!Array.isArray(t) || !t.every((x) => typeof x === 'string')) return noOverload('join');
    return t.join(typeof sep === 'string' ? sep : '');
  },
};

/** Global functions: `name(args)`. Kubernetes' `isIP` is here, and the checks btls adds on top. */
const functions: Record<string, (...a: unknown[]) => unknown> = {
  size: (v) => size(v),
  isIP: (v) => str('isIP', v) ?? isKubernetesIP(v as string),
  string: (v) => (isErr(v) ? v : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : noOverload('string')),
  int: (v) => (isErr(v) ? v : typeof v === 'number' ? Math.trunc(v) : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : noOverload('int')),
  double: (v) => (isErr(v) ? v : typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : noOverload('double')),
  dyn: (v) => v,
};

/** Kubernetes' isIP() parses with Go's netip: no zones, no leading zeros in IPv4 octets. */
function isKubernetesIP(s: string): boolean {
  if (s.includes('%')) return false;
  // IPv4 is digits and dots, IPv6 has a ':'; a DNS name (the common case) is neither, and is settled here
  // without running Node's IPv6 pattern, a long alternation (half the cost in a loop; a large compiled regex
  // that the webhook would otherwise run on a cold cache for every review)
  if (!s.includes(':') && /[^\d.]/.test(s)) return false;
  const v = netIsIP(s);
  if (v === 4) return !s.split('.').some((o) => o.length > 1 && o.startsWith('0'));
  return v === 6;
}

export function registerFunction(name: string, fn: (...a: unknown[]) => unknown): void {
  functions[name] = fn;
}

export const knownFunctions = () => Object.keys(functions);
export const knownMethods = () => Object.keys(methods);

/** Map literals: keys must be strings, ints or bools; a repeated key is an error, as in CEL. */
export function makeMap(entries: Array<[unknown, unknown]>): unknown {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    if (isErr(k)) return k;
    if (isErr(v)) return v;
    if (!(typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean')) return new CelError('unsupported map key type');
    const key = String(k);
    if (Object.hasOwn(out, key)) return new CelError(`Failed with repeated key: ${key}`);
    out[key] = v;
  }
  return out;
}

export const rt = {
  CelError,
  isErr,
  select,
  has,
  index,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  add,
  arith,
  neg,
  boolErr,
  size,
  inOp,
  methods,
  functions,
  noOverload,
  isMap,
  makeMap,
};
export type Runtime = typeof rt;
