// Seeded random BackendTLSPolicies for the differential fuzzer (fuzz-parity.e2e.test.ts): valid policies (the
// corpus's valid-* cases, rules/_base.yaml, every policy in test/fixtures/) with 1-4 random mutations each.
// Deterministic for a seed: a mulberry32 PRNG, no clock; `fuzzCases(seed, n)` gives the same n objects each time,
// and case i of a seed does not depend on n.
//
// The mutations aim at the places where btls re-implements the apiserver: strings of every kind (ASCII, unicode
// with non-BMP and combining characters, control characters, lone surrogates, very long, empty, upper case,
// dots, wildcards, IPs, ports, trailing dots) at every string field, JSON values of the wrong type, nulls,
// missing and unknown fields, list lengths around the limits (0, 1, max, max+1) and duplicates (the CEL
// uniqueness rules), spec.options keys, and metadata (names, generateName, labels, annotations, finalizers,
// owner references, timestamps).

import { generateCorpus } from '../corpus/generate.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };

export interface FuzzCase {
  /** `s<seed>-<index>`: also the file stem and, unless a mutation changed it, metadata.name (as `fz-s<seed>-<index>`) */
  id: string;
  seed: number;
  index: number;
  /** the corpus case the object started from */
  from: string;
  /** one line per mutation applied */
  mutations: string[];
  object: Obj;
}

/** mulberry32: small, fast, good enough for test data, and the same in every Node version */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

// ---- strings ---------------------------------------------------------------------------------------------------

const lower = 'abcdefghijklmnopqrstuvwxyz';
const digits = '0123456789';
const odd = [
  '\u0000', '\t', '\n', '\r', '\u0007', '\u001b', '\u007f', '\u0085', '\u00a0', '\u200b', '\u2028', '\ufeff', '\ufffd', '\ue000',
  '"', '\\', '\'', '`', ' ', ':', '/', '?', '#', '[', ']', '@', '%', '_', '*', '.', '-', '~', '$', '{', '}', '<', '>', ',', ';', '=', '+', '&',
  'é', 'ß', 'İ', 'ı', 'K', 'Ä', 'ü', 'ñ', 'ж', '漢', '字', 'ｆ', '٣', '\u0301', '\u0308', '\u20dd', '😀', '𝔘', '\u{10FFFF}', '\u{E0041}', '\ud800', '\udfff',
];

function word(r: Rng, alphabet: string, min: number, max: number): string {
  let s = '';
  const n = r.range(min, max);
  for (let i = 0; i < n; i++) s += alphabet[r.int(alphabet.length)];
  return s;
}

function label(r: Rng, max = 12): string {
  const n = r.range(1, max);
  let s = '';
  for (let i = 0; i < n; i++) {
    const alphabet = i > 0 && i < n - 1 && r.chance(0.15) ? '-' : r.chance(0.8) ? lower : digits;
    s += alphabet[r.int(alphabet.length)];
  }
  return s;
}

function dns(r: Rng, labels = r.range(1, 4)): string {
  return Array.from({ length: labels }, () => label(r)).join('.');
}

/** a DNS-ish name of exactly n characters (labels of at most 63, or longer when `badLabels`) */
function dnsOfLength(n: number, r: Rng, badLabels = false): string {
  if (n <= 0) return '';
  const parts: string[] = [];
  let left = n;
  while (left > 0) {
    const len = Math.min(badLabels ? 80 : 63, left);
    parts.push(word(r, lower, len, len));
    left -= len + 1;
    if (left === 0) {
      parts[parts.length - 1] += 'a';
      break;
    }
  }
  return parts.join('.').slice(0, n);
}

function oddChars(r: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += r.chance(0.5) ? r.pick(odd) : lower[r.int(26)];
  return s;
}

const limits = [0, 1, 62, 63, 64, 252, 253, 254, 4095, 4096, 4097];

/** A random string of one of many kinds; `hint` is the field's kind, so that most strings are near-valid for it. */
export function randomString(r: Rng, hint: 'dns' | 'kind' | 'name' | 'uri' | 'wellknown' | 'value' | 'sanType' | 'any' = 'any'): string {
  const k = r.int(20);
  switch (k) {
    case 0:
      return '';
    case 1: {
      // length around a limit, possibly of multi-byte or astral runes
      const n = r.pick(limits);
      const unit = r.pick(['a', 'a', 'é', '😀', 'e\u0301', 'A']);
      if (unit === 'a' && r.chance(0.5)) return dnsOfLength(n, r);
      const times = Math.max(0, Math.floor(n / [...unit].length));
      return unit.repeat(times) + (r.chance(0.3) ? 'a' : '');
    }
    case 2:
      return `${r.int(256)}.${r.int(256)}.${r.int(256)}.${r.int(256)}`;
    case 3:
      return r.pick(['::1', '2001:db8::1', '[2001:db8::1]', 'fe80::1%eth0', '0.0.0.0', '010.001.002.003', '256.1.1.1', '1.2.3']);
    case 4:
      return `${dns(r)}:${r.pick([0, 80, 443, 65535, 65536])}`;
    case 5:
      return `*.${dns(r)}`;
    case 6:
      return `${dns(r)}.`;
    case 7:
      return dns(r).toUpperCase();
    case 8:
      return r.pick(['*', '*.', '.', '..', '-', 'a..b', '.a', 'a.', '-a', 'a-', '*.*.a', 'a.*.b', '*a.b', 'a_b', 'a b', ' a', 'a ']);
    case 9:
      return oddChars(r, r.range(1, 8));
    case 10: {
      const d = dns(r);
      return [...d].map((c) => (r.chance(0.2) ? r.pick(odd) : c)).join('');
    }
    case 11:
      return r.pick(['System', 'system', 'SYSTEM', 'Hostname', 'URI', 'IP', 'hostname', 'Service', 'ConfigMap', 'Secret', 'ServiceImport', 'InferencePool', 'gateway.networking.k8s.io', 'null', 'true', '0', '1e3', '-1']);
    case 12:
      return `${r.pick(['spiffe', 'https', 'http', 'urn', 'HTTP', '1a', '', 'a+b'])}:${r.pick(['//', '', '/', '///'])}${r.pick([dns(r), '', '[::1]', 'user@host', dns(r) + ':8443', oddChars(r, 3)])}${r.pick(['', '/p', '/ns/a/sa/b', '?q=1', '#f', '/%zz', '/ä'])}`;
    case 13:
      return `${r.pick([dns(r), 'example.com', 'Example.com', '', 'a_b.com'])}/${r.pick([label(r), word(r, lower, 62, 64), '-x', 'x-', 'a_b.c', 'a/b', ''])}`;
    case 14:
      return r.pick(['Service', 'ConfigMap', 'Svc-2', '1Service', 'Ser_vice', 'v1.Service', 'a', 'A', 'K' + 'a'.repeat(r.pick([61, 62, 63]))]);
    default:
      // mostly the field's own kind of value
      switch (hint) {
        case 'dns':
          return dns(r);
        case 'kind':
          return r.pick(['Service', 'ConfigMap', 'ServiceImport', 'Backend']);
        case 'name':
          return r.chance(0.5) ? label(r) : oddChars(r, r.range(1, 5));
        case 'uri':
          return `spiffe://${dns(r)}/${label(r)}`;
        case 'wellknown':
          return r.chance(0.6) ? 'System' : `${dns(r)}/${label(r)}`;
        case 'sanType':
          return r.pick(['Hostname', 'URI']);
        case 'value':
          return r.chance(0.5) ? word(r, lower + digits + ' -_./', 0, 20) : oddChars(r, r.range(0, 6));
        default:
          return dns(r);
      }
  }
}

/** A JSON value that is not a string (or sometimes a string that looks like another type). */
function wrongValue(r: Rng): Json {
  return r.pick<() => Json>([
    () => null,
    () => r.int(1000) - 500,
    () => 1.5,
    () => 0,
    () => -0.0,
    () => 12345678901234567890,
    () => 1e300,
    () => 1e-7,
    () => 2 ** 53 + 2,
    () => true,
    () => false,
    () => ({}),
    () => ({ [randomString(r, 'name')]: randomString(r) }),
    () => [],
    () => [randomString(r)],
    () => [null],
    () => [{}],
    () => [1, 'a'],
  ])();
}

// ---- schema-aware structure ------------------------------------------------------------------------------------

type Hint = Parameters<typeof randomString>[1];
const refFields: Record<string, Hint> = { group: 'dns', kind: 'kind', name: 'name' };

function targetRef(r: Rng, name?: string): Obj {
  const o: Obj = { group: r.chance(0.8) ? '' : randomString(r, 'dns'), kind: r.chance(0.8) ? 'Service' : randomString(r, 'kind'), name: name ?? (r.chance(0.8) ? label(r) : randomString(r, 'name')) };
  if (r.chance(0.4)) o.sectionName = r.chance(0.7) ? r.pick(['https', 'http', 'admin', 'a']) : randomString(r, 'dns');
  return o;
}

function caRef(r: Rng): Obj {
  return { group: r.chance(0.85) ? '' : randomString(r, 'dns'), kind: r.chance(0.85) ? 'ConfigMap' : randomString(r, 'kind'), name: r.chance(0.8) ? label(r) : randomString(r, 'name') };
}

function san(r: Rng): Obj {
  const t = r.chance(0.85) ? r.pick(['Hostname', 'URI']) : randomString(r, 'sanType');
  const o: Obj = { type: t };
  const h = t === 'Hostname' ? r.chance(0.85) : r.chance(0.15);
  const u = t === 'URI' ? r.chance(0.85) : r.chance(0.15);
  if (h) o.hostname = r.chance(0.6) ? (r.chance(0.2) ? `*.${dns(r, 2)}` : dns(r, r.range(1, 3))) : randomString(r, 'dns');
  if (u) o.uri = r.chance(0.6) ? randomString(r, 'uri').replace(/^.*$/, (s) => (r.chance(0.5) ? `spiffe://${dns(r)}/x` : s)) : randomString(r, 'uri');
  return o;
}

interface ListSpec {
  path: string[];
  max: number;
  item: (r: Rng) => Obj;
}
const lists: ListSpec[] = [
  { path: ['spec', 'targetRefs'], max: 16, item: (r) => targetRef(r) },
  { path: ['spec', 'validation', 'caCertificateRefs'], max: 8, item: caRef },
  { path: ['spec', 'validation', 'subjectAltNames'], max: 5, item: san },
];

/** every leaf string field of the schema, as a path with `*` for list items */
const stringLeaves: Array<{ path: string[]; hint: Hint }> = [
  { path: ['spec', 'validation', 'hostname'], hint: 'dns' },
  { path: ['spec', 'validation', 'wellKnownCACertificates'], hint: 'wellknown' },
  ...Object.entries(refFields).map(([f, hint]) => ({ path: ['spec', 'targetRefs', '*', f], hint })),
  { path: ['spec', 'targetRefs', '*', 'sectionName'], hint: 'dns' as Hint },
  ...Object.entries(refFields).map(([f, hint]) => ({ path: ['spec', 'validation', 'caCertificateRefs', '*', f], hint })),
  { path: ['spec', 'validation', 'subjectAltNames', '*', 'type'], hint: 'sanType' as Hint },
  { path: ['spec', 'validation', 'subjectAltNames', '*', 'hostname'], hint: 'dns' as Hint },
  { path: ['spec', 'validation', 'subjectAltNames', '*', 'uri'], hint: 'uri' as Hint },
  { path: ['spec', 'options', '*'], hint: 'value' as Hint },
];

/** every object/list node the schema declares */
const containers: string[][] = [
  [], ['metadata'], ['spec'], ['spec', 'validation'], ['spec', 'options'], ['spec', 'targetRefs'], ['spec', 'targetRefs', '*'],
  ['spec', 'validation', 'caCertificateRefs'], ['spec', 'validation', 'caCertificateRefs', '*'],
  ['spec', 'validation', 'subjectAltNames'], ['spec', 'validation', 'subjectAltNames', '*'],
];

type Holder = Record<string, Json> | Json[];

/** Resolve a schema path (with `*`) to a concrete one in o, creating objects/lists as needed; undefined if blocked. */
function concrete(o: Obj, path: string[], r: Rng, create: boolean): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  let cur: Json = o;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (seg === '*') {
      if (!Array.isArray(cur) && !(cur && typeof cur === 'object')) return undefined;
      if (Array.isArray(cur)) {
        if (cur.length === 0) {
          if (!create) return undefined;
          cur.push({});
        }
        const idx = r.int(cur.length);
        out.push(idx);
        if (i < path.length - 1 && (cur[idx] === null || typeof cur[idx] !== 'object')) {
          if (!create) return undefined;
          cur[idx] = {};
        }
        cur = cur[idx];
      } else {
        // a map (options): an existing key or a new one
        const map: Obj = cur;
        const existing: string[] = Object.keys(map);
        const key: string = existing.length && r.chance(0.6) ? r.pick(existing) : optionKey(r);
        out.push(key);
        cur = map[key] ?? null;
      }
      continue;
    }
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    out.push(seg);
    if (i < path.length - 1) {
      const next: Json | undefined = (cur as Obj)[seg];
      if (next === undefined || next === null || typeof next !== 'object') {
        if (!create) return undefined;
        (cur as Obj)[seg] = path[i + 1] === '*' && seg !== 'options' ? [] : {};
      }
      cur = (cur as Obj)[seg];
    }
  }
  return out;
}

function holderOf(o: Obj, keys: (string | number)[]): Holder | undefined {
  let cur: Json = o;
  for (const k of keys.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, Json>)[k as never];
  }
  return cur !== null && typeof cur === 'object' ? (cur as Holder) : undefined;
}

function setAt(o: Obj, keys: (string | number)[], v: Json | undefined): boolean {
  const h = holderOf(o, keys);
  if (!h) return false;
  const last = keys[keys.length - 1];
  if (Array.isArray(h)) {
    if (typeof last !== 'number') return false;
    if (v === undefined) h.splice(last, 1);
    else h[last] = v;
  } else if (v === undefined) delete h[last as string];
  else h[last as string] = v;
  return true;
}

function getAt(o: Obj, keys: (string | number)[]): Json | undefined {
  let cur: Json | undefined = o;
  for (const k of keys) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, Json>)[k as never];
  }
  return cur;
}

/** every path to a node of o (objects, lists, leaves), for deletions and nulls */
function allPaths(o: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (o !== null && typeof o === 'object') {
    if (Array.isArray(o)) o.forEach((v, i) => { out.push([...prefix, i]); allPaths(v, [...prefix, i], out); });
    else for (const [k, v] of Object.entries(o)) { out.push([...prefix, k]); allPaths(v, [...prefix, k], out); }
  }
  return out;
}

const show = (keys: (string | number)[]) => keys.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('') || '.';
const brief = (v: Json | undefined) => {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 60 ? `${s.slice(0, 57)}...(${s.length})` : s;
};

function optionKey(r: Rng): string {
  return r.pick<() => string>([
    () => `example.com/${label(r)}`,
    () => label(r),
    () => `${dns(r)}/${label(r)}`,
    () => '',
    () => oddChars(r, r.range(1, 6)),
    () => `a.b/c/${label(r)}`,
    () => 'k'.repeat(r.pick([63, 253, 254, 300])),
    () => `${label(r)}.${label(r)}`,
    () => `gateway.networking.k8s.io/${label(r)}`,
  ])();
}

// ---- mutations -------------------------------------------------------------------------------------------------

type Mutation = (o: Obj, r: Rng) => string | undefined;

const mutations: Array<[number, Mutation]> = [
  // a random string at a string field (existing or new)
  [6, (o, r) => {
    const leaf = r.pick(stringLeaves);
    const keys = concrete(o, leaf.path, r, true);
    if (!keys) return undefined;
    const v = randomString(r, leaf.hint);
    setAt(o, keys, v);
    return `string ${show(keys)} = ${brief(v)}`;
  }],
  // a value of another type at a string field or a container
  [2, (o, r) => {
    const path = r.chance(0.6) ? r.pick(stringLeaves).path : r.pick(containers.filter((c) => c.length > 0 && c[0] !== 'metadata'));
    const keys = concrete(o, path, r, r.chance(0.5));
    if (!keys) return undefined;
    const v = wrongValue(r);
    setAt(o, keys, v);
    return `wrong type ${show(keys)} = ${brief(v)}`;
  }],
  // delete any node, or set it to null
  [2, (o, r) => {
    const ps = allPaths(o).filter((p) => !(p[0] === 'metadata' && p[1] === 'name') && p[0] !== 'apiVersion' && p[0] !== 'kind');
    if (!ps.length) return undefined;
    const p = r.pick(ps);
    if (r.chance(0.5)) {
      setAt(o, p, undefined);
      return `delete ${show(p)}`;
    }
    setAt(o, p, null);
    return `null ${show(p)}`;
  }],
  // an unknown field in an object the schema declares
  [1, (o, r) => {
    const c = r.pick(containers.filter((p) => p[p.length - 1] !== 'targetRefs' && p[p.length - 1] !== 'caCertificateRefs' && p[p.length - 1] !== 'subjectAltNames' && p[p.length - 1] !== 'options'));
    const keys = concrete(o, [...c, r.pick(['foo', 'port', 'namespace', 'Hostname', 'hostnames', 'ip', 'weight', 'status', 'a.b', 'ü'])], r, false);
    if (!keys) return undefined;
    const v = r.chance(0.7) ? randomString(r) : wrongValue(r);
    setAt(o, keys, v);
    return `unknown ${show(keys)} = ${brief(v)}`;
  }],
  // a list of another length: 0, 1, max, max+1, random; new items random, copies, or the same item again
  [4, (o, r) => {
    const l = r.pick(lists);
    const keys = concrete(o, l.path, r, true);
    if (!keys) return undefined;
    const cur = getAt(o, keys);
    const old = Array.isArray(cur) ? cur : [];
    const n = r.pick([0, 1, 1, 2, 2, 3, l.max, l.max + 1, r.range(0, l.max + 2)]);
    const mode = r.int(3);
    const items: Json[] = [];
    for (let i = 0; i < n; i++) {
      if (mode === 0 && old.length) items.push(clone(old[i % old.length]));
      else if (mode === 1 && items.length && r.chance(0.4)) items.push(clone(r.pick(items)));
      else items.push(l.item(r));
    }
    setAt(o, keys, items);
    return `list ${show(keys)} = ${n} items (${['repeat', 'dup', 'random'][mode]}) ${brief(items)}`;
  }],
  // the same target twice, with or without sectionNames (the CEL uniqueness rules)
  [2, (o, r) => {
    const keys = concrete(o, ['spec', 'targetRefs'], r, true);
    if (!keys) return undefined;
    const name = r.chance(0.5) ? 'backend' : label(r, 3);
    const sn = () => r.pick<Json | undefined>([undefined, '', 'https', 'http', null]);
    const refs: Json[] = Array.from({ length: r.range(2, 4) }, () => {
      const t = targetRef(r, name);
      if (r.chance(0.7)) {
        t.group = '';
        t.kind = 'Service';
      }
      const s = sn();
      if (s === undefined) delete t.sectionName;
      else t.sectionName = s;
      return t;
    });
    setAt(o, keys, refs);
    return `same target ${show(keys)} = ${brief(refs)}`;
  }],
  // the CA sources: both, neither, empty list, empty string
  [2, (o, r) => {
    const v = concrete(o, ['spec', 'validation', 'hostname'], r, true);
    if (!v) return undefined;
    const val = getAt(o, ['spec', 'validation']) as Obj;
    if (!val || typeof val !== 'object' || Array.isArray(val)) return undefined;
    const pick = r.int(6);
    if (pick === 0) val.wellKnownCACertificates = 'System';
    if (pick === 1) val.caCertificateRefs = [caRef(r)];
    if (pick === 2) { delete val.wellKnownCACertificates; delete val.caCertificateRefs; }
    if (pick === 3) val.caCertificateRefs = [];
    if (pick === 4) val.wellKnownCACertificates = '';
    if (pick === 5) { val.caCertificateRefs = [caRef(r)]; val.wellKnownCACertificates = randomString(r, 'wellknown'); }
    return `ca sources #${pick}: ${brief({ c: val.caCertificateRefs, w: val.wellKnownCACertificates })}`;
  }],
  // spec.options: keys of every kind, counts around 16
  [2, (o, r) => {
    const spec = o.spec;
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return undefined;
    const n = r.pick([0, 1, 2, 15, 16, 17, r.range(0, 18)]);
    const m: Obj = {};
    for (let i = 0; i < n; i++) m[optionKey(r) + (r.chance(0.5) ? '' : String(i))] = r.chance(0.9) ? randomString(r, 'value') : wrongValue(r);
    spec.options = m;
    return `options = ${Object.keys(m).length} keys ${brief(m)}`;
  }],
  // metadata
  [3, (o, r) => {
    if (!o.metadata || typeof o.metadata !== 'object' || Array.isArray(o.metadata)) o.metadata = {};
    const md = o.metadata as Obj;
    const what = r.int(14);
    const mdString = () => (r.chance(0.5) ? randomString(r, 'dns') : randomString(r));
    switch (what) {
      case 0: md.name = mdString(); return `metadata.name = ${brief(md.name)}`;
      case 1: md.generateName = mdString(); if (r.chance(0.5)) delete md.name; return `metadata.generateName = ${brief(md.generateName)}${md.name === undefined ? ' (no name)' : ''}`;
      case 2: {
        const labels: Obj = {};
        for (let i = r.range(1, 3); i > 0; i--) labels[r.chance(0.5) ? optionKey(r) : mdString()] = r.chance(0.85) ? (r.chance(0.5) ? label(r) : mdString()) : wrongValue(r);
        md.labels = labels;
        return `metadata.labels = ${brief(labels)}`;
      }
      case 3: {
        const ann: Obj = {};
        for (let i = r.range(1, 3); i > 0; i--) ann[r.chance(0.5) ? optionKey(r) : mdString()] = r.chance(0.9) ? randomString(r) : wrongValue(r);
        md.annotations = ann;
        return `metadata.annotations = ${brief(ann)}`;
      }
      case 4: {
        const fin: Json[] = Array.from({ length: r.range(0, 3) }, () => r.pick<Json>(['orphan', 'foregroundDeletion', 'example.com/f', 'kubernetes', mdString(), optionKey(r), null]));
        md.finalizers = r.chance(0.9) ? fin : wrongValue(r);
        return `metadata.finalizers = ${brief(md.finalizers)}`;
      }
      case 5: {
        const ref = (): Json => {
          const x: Obj = {};
          if (r.chance(0.8)) x.apiVersion = r.pick(['v1', 'apps/v1', '', 'a/b/c', 'gateway.networking.k8s.io/v1']);
          if (r.chance(0.8)) x.kind = r.pick(['Gateway', '', 'ConfigMap']);
          if (r.chance(0.8)) x.name = r.pick(['owner', '', 'o2']);
          if (r.chance(0.8)) x.uid = r.pick(['1234', '', 'abc-def']);
          if (r.chance(0.4)) x.controller = r.chance(0.8);
          if (r.chance(0.2)) x.blockOwnerDeletion = r.chance(0.5) ? true : 'yes';
          return x;
        };
        md.ownerReferences = Array.from({ length: r.range(0, 2) }, ref);
        return `metadata.ownerReferences = ${brief(md.ownerReferences)}`;
      }
      case 6: md.creationTimestamp = r.pick<Json>(['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.123+01:00', '2024-13-01T00:00:00Z', 'yesterday', '', null, 5, '2024-01-02 03:04:05Z', '2024-01-02T03:04:05z']); return `metadata.creationTimestamp = ${brief(md.creationTimestamp)}`;
      case 7: md.generation = r.pick<Json>([1, 0, -1, 1.5, '1', 2 ** 53 + 2]); return `metadata.generation = ${brief(md.generation)}`;
      case 8: md.uid = r.pick<Json>(['abc', '', 5]); return `metadata.uid = ${brief(md.uid)}`;
      case 9: md.deletionGracePeriodSeconds = r.pick<Json>([30, 0, -1, 1.5, 'x']); return `metadata.deletionGracePeriodSeconds = ${brief(md.deletionGracePeriodSeconds)}`;
      case 10: md.labels = Object.fromEntries(Array.from({ length: r.range(1, 3) }, () => [r.pick(['app', 'a/b', 'example.com/x', 'k'.repeat(r.pick([63, 64])), `${'d'.repeat(r.pick([253, 254]))}/n`, '/x', 'a/', 'a/b/c', 'Upper', '_x']), r.pick(['', 'v', 'v'.repeat(64), '-v', 'v_v', 'v.v', 'ü'])])); return `metadata.labels = ${brief(md.labels)}`;
      case 12: md.managedFields = r.pick<Json>([[], [{ manager: 'm', operation: 'Apply' }], [{ manager: 5 }], [{ time: 'x' }], [{ time: 5 }], [{ fieldsV1: 'x' }], [{ fieldsV1: {} }], [null], 'x', [{ operation: 'Bad', fieldsType: 'X' }]]); return `metadata.managedFields = ${brief(md.managedFields)}`;
      case 13: { const k = r.pick(['resourceVersion', 'selfLink', 'deletionTimestamp', 'generation']); md[k] = r.pick<Json>(['1', '', 'x', 1, '2024-01-02T03:04:05Z', true]); return `metadata.${k} = ${brief(md[k])}`; }
      default: md.annotations = Object.fromEntries(Array.from({ length: r.range(1, 3) }, () => [r.pick(['a', 'A', 'Example.COM/X', 'a/b/c', '', 'k'.repeat(r.pick([63, 64])), 'x/']), randomString(r)])); return `metadata.annotations = ${brief(md.annotations)}`;
    }
  }],
  // a value the CRD admits but the default rules (and so the VAP) look at: IPs, wildcards, URIs, kinds, namespaces
  [3, (o, r) => {
    const what = r.int(6);
    const v = getAt(o, ['spec', 'validation']);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const val = v as Obj;
    const ip = () => r.pick([`${r.int(256)}.${r.int(256)}.${r.int(256)}.${r.int(256)}`, '010.001.002.003', '256.1.1.1', '1.2.3', '0.0.0.0', '127.0.0.1', '1.2.3.4.5', '1.2.3.a']);
    switch (what) {
      case 0: val.hostname = r.chance(0.7) ? ip() : dns(r); return `hostname = ${brief(val.hostname)}`;
      case 1: {
        const sans: Json[] = Array.from({ length: r.range(1, 5) }, (): Json =>
          r.chance(0.5) ? { type: 'Hostname', hostname: r.pick([ip(), `*.${dns(r, 2)}`, dns(r)]) } : { type: 'URI', uri: randomString(r, 'uri') });
        val.subjectAltNames = sans;
        return `sans = ${brief(sans)}`;
      }
      case 2: {
        const spec = o.spec as Obj;
        const refs: Json[] = Array.from({ length: r.range(1, 3) }, (_, i) => ({ group: r.pick(['', '', 'example.com', 'inference.networking.k8s.io']), kind: r.pick(['Service', 'Service', 'ServiceImport', 'InferencePool', 'Backend']), name: `t${i}` }));
        spec.targetRefs = refs;
        return `targetRefs = ${brief(refs)}`;
      }
      case 3: {
        const refs: Json[] = Array.from({ length: r.range(1, 3) }, (_, i) => ({ group: r.pick(['', '', 'example.com']), kind: r.pick(['ConfigMap', 'ConfigMap', 'Secret', 'ClusterTrustBundle']), name: `ca${i}` }));
        delete val.wellKnownCACertificates;
        val.caCertificateRefs = refs;
        return `caCertificateRefs = ${brief(refs)}`;
      }
      case 4: {
        const uris = ['spiffe://td/ns/a/sa/b', 'https://a.example.com/p', 'http://', 'spiffe://', 'https://10.0.0.1/', 'https://[::1]:8443/', 'a:b', 'https://a b/', 'https://a.example.com/%zz', 'https://ä.example/', 'HTTPS://A.EXAMPLE.COM', 'https://a..b/', 'https://-a.example/', 'https://a.example:99999/', 'urn://x', 'spiffe://td/ns/a/sa/b#frag', 'file:///etc/passwd', 'https://user:pass@a.example/'];
        val.subjectAltNames = [{ type: 'URI', uri: r.chance(0.7) ? r.pick(uris) : randomString(r, 'uri') }];
        return `uri san = ${brief(val.subjectAltNames)}`;
      }
      default: {
        const spec = o.spec as Obj;
        const opts: Obj = {};
        for (let i = r.range(1, 4); i > 0; i--) opts[r.pick(['a', 'example.com/a', 'gateway.networking.k8s.io/x', 'b.c', 'x/y', 'A', 'k8s.io/z', ''])] = r.pick(['', 'v', 'true']);
        spec.options = opts;
        return `options = ${brief(opts)}`;
      }
    }
  }],
  // a SAN list of random entries
  [2, (o, r) => {
    const keys = concrete(o, ['spec', 'validation', 'subjectAltNames'], r, true);
    if (!keys) return undefined;
    const sans = Array.from({ length: r.range(1, 3) }, () => san(r));
    setAt(o, keys, sans);
    return `sans ${show(keys)} = ${brief(sans)}`;
  }],
  // a null or a wrong value inside a list (items are not pruned)
  [1, (o, r) => {
    const l = r.pick(lists);
    const keys = concrete(o, [...l.path, '*'], r, false);
    if (!keys) return undefined;
    const v = r.chance(0.5) ? null : wrongValue(r);
    setAt(o, keys, v);
    return `list item ${show(keys)} = ${brief(v)}`;
  }],
];
const totalWeight = mutations.reduce((s, [w]) => s + w, 0);

function pickMutation(r: Rng): Mutation {
  let x = r.int(totalWeight);
  for (const [w, m] of mutations) {
    if (x < w) return m;
    x -= w;
  }
  return mutations[0][1];
}

// ---- seeds -----------------------------------------------------------------------------------------------------

let seedCache: Array<{ id: string; object: Obj }> | undefined;

/** The valid starting points: the corpus's valid-* cases, rules/_base.yaml and the fixture policies (conformance-like shapes). */
export function seedObjects(): Array<{ id: string; object: Obj }> {
  if (!seedCache) {
    seedCache = generateCorpus()
      .filter((c) => !c.rawEdits && !c.verdictOnly && (c.id.startsWith('valid-') || c.id === 'rules-base' || c.id.startsWith('fixture-')))
      .filter((c) => c.object.apiVersion === 'gateway.networking.k8s.io/v1')
      .map((c) => ({ id: c.id, object: c.object as Obj }));
  }
  return seedCache;
}

/** Case `index` of `seed`: independent of how many cases are asked for. */
export function fuzzCase(seed: number, index: number): FuzzCase {
  const r = new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0);
  for (let i = 0; i < 4; i++) r.next();
  const seeds = seedObjects();
  const start = r.pick(seeds);
  const object = clone(start.object);
  const id = `s${seed}-${index}`;
  if (object.metadata && typeof object.metadata === 'object' && !Array.isArray(object.metadata)) {
    const md = object.metadata as Obj;
    if (typeof md.name === 'string' || md.generateName === undefined) md.name = `fz-${id}`;
  }
  // 1 to 4 mutations, fewer more often: most objects with 3 or 4 are refused by the CRD before any VAP runs
  const n = r.pick([1, 1, 1, 1, 2, 2, 2, 3, 3, 4]);
  const applied: string[] = [];
  for (let tries = 0; applied.length < n && tries < 20; tries++) {
    const what = pickMutation(r)(object, r);
    if (what) applied.push(what);
  }
  return { id, seed, index, from: start.id, mutations: applied, object };
}

export function fuzzCases(seed: number, count: number): FuzzCase[] {
  return Array.from({ length: count }, (_, i) => fuzzCase(seed, i));
}
