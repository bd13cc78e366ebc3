// The CRD-parity corpus (issue 5, part 1): BackendTLSPolicies, valid and invalid, covering every rule of
// the `crd` rule set and its edges, plus every policy in test/fixtures/ and rules/_base.yaml with each
// rule case's patch. Deterministic: no clock, no randomness, the fixtures are read in sorted order.
//
//   import { generateCorpus, writeCorpus } from './corpus/generate.js';
//   generateCorpus()          -> CorpusCase[] (id = file name stem, unique)
//   writeCorpus(dir, cases)   -> one <NNN>-<id>.json per case (JSON keeps every value exactly as built:
//                                control characters, lone surrogates, big numbers, nulls)
//
// crd-parity.e2e.test.ts sends each object to kube-apiserver (dry run, strict field validation) and runs
// `btls check --ruleset crd --output json` over the written folder, matching findings by file.
// Names: each case's metadata.name is its id (unique, a valid DNS subdomain) unless the case is about
// the name; fixture policies keep theirs, made unique with a numeric suffix when two collide.

import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

export interface CorpusCase {
  /** unique, also the file name stem and (unless the case is about the name) metadata.name */
  id: string;
  /** what the case is about (printed in the side-by-side report) */
  about: string;
  object: Obj;
  /**
   * Set when the apiserver's answer cannot be predicted from the CRD alone (outside the CRD); the test
   * then compares only the verdict, and prints the reason.
   */
  verdictOnly?: string;
  /**
   * Edits of the serialized JSON text (exact substring -> replacement), for what a parsed value cannot
   * hold: `2.0` (a float the apiserver decodes as float64), duplicate keys. The file btls reads and the
   * body the apiserver gets are the same edited text.
   */
  rawEdits?: [string, string][];
}

/** The JSON text of an object with a case's raw edits applied (every edit must match exactly once). */
export function corpusText(c: CorpusCase, object: Obj = c.object): string {
  let text = JSON.stringify(object, null, 1) + '\n';
  for (const [from, to] of c.rawEdits ?? []) {
    if (text.split(from).length !== 2) throw new Error(`${c.id}: raw edit ${JSON.stringify(from)} must match exactly once`);
    text = text.replace(from, () => to);
  }
  return text;
}

const G = 'gateway.networking.k8s.io';

/** rules/_base.yaml without its namespace (the test puts every object in its own namespace). */
function base(): Obj {
  return {
    apiVersion: `${G}/v1`,
    kind: 'BackendTLSPolicy',
    metadata: { name: 'x' },
    spec: {
      targetRefs: [{ group: '', kind: 'Service', name: 'backend' }],
      validation: {
        hostname: 'backend.example.com',
        caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'backend-ca' }],
      },
    },
  };
}

/** A policy with well-known CAs instead of a ConfigMap (for cases that must not trip the CA CEL rules). */
function baseWellKnown(): Obj {
  const o = base();
  const v = (o.spec as Obj).validation as Obj;
  delete v.caCertificateRefs;
  v.wellKnownCACertificates = 'System';
  return o;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

// Paths like 'spec.validation.hostname' or 'spec.targetRefs.0.name'; set undefined = delete.
function setPath(o: Obj, path: string, value: Json | undefined): void {
  const keys = path.split('.');
  let cur: Json = o;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i];
    const holder = cur as Record<string, Json | undefined>;
    const next = holder[k];
    if (next === undefined || next === null || typeof next !== 'object') {
      const fresh: Json = /^\d+$/.test(keys[i + 1]) ? [] : {};
      holder[k] = fresh;
      cur = fresh;
    } else cur = next;
  }
  const last = keys[keys.length - 1];
  if (Array.isArray(cur)) {
    if (value === undefined) cur.splice(Number(last), 1);
    else cur[Number(last)] = value;
  } else if (cur && typeof cur === 'object') {
    if (value === undefined) delete (cur as Obj)[last];
    else (cur as Obj)[last] = value;
  }
}

function mergePatch(target: Json | undefined, patch: Json): Json {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Obj = target && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const rep = (s: string, n: number) => s.repeat(n);
/** A DNS subdomain of exactly n characters (labels of at most 63). */
function dnsOfLength(n: number): string {
  const labels: string[] = [];
  let left = n;
  while (left > 0) {
    const len = Math.min(63, left);
    labels.push(rep('a', len));
    left -= len + 1; // the dot
    if (left === 0) {
      // would end with a dot: make the last label one longer instead
      labels[labels.length - 1] += 'a';
      break;
    }
  }
  const s = labels.join('.');
  if (s.length !== n) throw new Error(`dnsOfLength(${n}) = ${s.length}`);
  return s;
}

const svc = (name: string, extra: Obj = {}): Obj => ({ group: '', kind: 'Service', name, ...extra });
const cm = (name: string, extra: Obj = {}): Obj => ({ group: '', kind: 'ConfigMap', name, ...extra });
const sanH = (hostname: string): Obj => ({ type: 'Hostname', hostname });

export function generateCorpus(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const ids = new Set<string>();
  const add = (c: CorpusCase) => {
    if (ids.has(c.id)) throw new Error(`duplicate corpus id ${c.id}`);
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(c.id) || c.id.length > 200) throw new Error(`bad corpus id ${c.id}`);
    ids.add(c.id);
    cases.push(c);
  };
  /** A case built from a base: set each path (undefined deletes), name = id. */
  const pol = (id: string, about: string, sets: [string, Json | undefined][], from: () => Obj = base, verdictOnly?: string) => {
    const o = from();
    (o.metadata as Obj).name = id;
    for (const [p, v] of sets) setPath(o, p, v === undefined ? undefined : clone(v));
    add({ id, about, object: o, ...(verdictOnly ? { verdictOnly } : {}) });
  };
  const wk = baseWellKnown;

  // ---- valid objects and boundaries that are still valid -------------------------------------
  pol('valid-base', 'rules/_base.yaml (ConfigMap CA)', []);
  pol('valid-wellknown-system', 'wellKnownCACertificates System', [], wk);
  pol('valid-wellknown-vendor', 'vendor-prefixed well-known CA set', [['spec.validation.wellKnownCACertificates', 'example.com/bundle']], wk);
  pol('valid-wellknown-name-63', 'well-known CA name part of 63 chars', [['spec.validation.wellKnownCACertificates', `example.com/${rep('a', 63)}`]], wk);
  pol('valid-wellknown-underscore', 'well-known CA name with _ and . inside', [['spec.validation.wellKnownCACertificates', 'example.com/a_b.c-d']], wk);
  pol('valid-hostname-253', 'hostname of exactly 253 chars', [['spec.validation.hostname', dnsOfLength(253)]]);
  pol('valid-hostname-single-label', 'single-label hostname', [['spec.validation.hostname', 'backend']]);
  pol('valid-hostname-digits', 'all-digit labels (an IPv4 address passes the CRD pattern)', [['spec.validation.hostname', '10.0.0.1']]);
  pol('valid-sans-5', 'five SANs, both types, wildcard hostname', [['spec.validation.subjectAltNames', [sanH('a.example.com'), sanH('*.example.com'), { type: 'URI', uri: 'spiffe://td/ns/a/sa/b' }, sanH('b.example.com'), { type: 'URI', uri: 'https://x.example.com/p?q=1#f' }]]]);
  pol('valid-sans-empty', 'empty SAN list', [['spec.validation.subjectAltNames', []]]);
  pol('valid-san-uri-http-empty-authority', 'URI SAN with an empty authority (pattern allows it)', [['spec.validation.subjectAltNames', [{ type: 'URI', uri: 'http://' }]]]);
  pol('valid-san-uri-unicode', 'URI SAN with non-ASCII characters (pattern allows them)', [['spec.validation.subjectAltNames', [{ type: 'URI', uri: 'spiffe://é.example/ü' }]]]);
  pol('valid-san-hostname-empty-uri-set-null', 'Hostname SAN with uri null (pruned)', [['spec.validation.subjectAltNames', [{ type: 'Hostname', hostname: 'a.example.com', uri: null }]]]);
  pol('valid-san-hostname-253', 'SAN hostname of 253 chars', [['spec.validation.subjectAltNames', [sanH(dnsOfLength(253))]]]);
  pol('valid-san-wildcard-253', 'wildcard SAN hostname of 253 chars', [['spec.validation.subjectAltNames', [sanH('*.' + dnsOfLength(251))]]]);
  pol('valid-san-uri-253', 'URI SAN of 253 chars', [['spec.validation.subjectAltNames', [{ type: 'URI', uri: 'spiffe://' + rep('a', 244) }]]]);
  pol('valid-options-16', '16 options', [['spec.options', Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`example.com/o${i + 1}`, 'v']))]]);
  pol('valid-options-empty', 'empty options map', [['spec.options', {}]]);
  pol('valid-option-value-4096', 'option value of 4096 chars', [['spec.options', { 'example.com/k': rep('v', 4096) }]]);
  pol('valid-option-value-4096-emoji', 'option value of 4096 astral runes (8192 UTF-16 units)', [['spec.options', { 'example.com/k': rep('😀', 4096) }]]);
  pol('valid-option-value-empty', 'empty option value (minLength 0)', [['spec.options', { 'example.com/k': '' }]]);
  pol('valid-option-key-odd', 'option keys the schema does not restrict', [['spec.options', { 'no-prefix': 'a', 'a b': 'b', 'ключ': 'c', '': 'd', 'x.y/z/w': 'e' }]]);
  pol('valid-targetrefs-16', '16 distinct targetRefs', [['spec.targetRefs', Array.from({ length: 16 }, (_, i) => svc(`s${i + 1}`))]]);
  pol('valid-carefs-8', '8 caCertificateRefs', [['spec.validation.caCertificateRefs', Array.from({ length: 8 }, (_, i) => cm(`ca${i + 1}`))]]);
  pol('valid-carefs-empty-with-wellknown', 'caCertificateRefs [] with wellKnown (size 0 does not count)', [['spec.validation.caCertificateRefs', []]], wk);
  pol('valid-carefs-secret-kind', 'CA ref of kind Secret (the CRD allows any kind)', [['spec.validation.caCertificateRefs', [{ group: '', kind: 'Secret', name: 'ca' }]]]);
  pol('valid-sectionname', 'targetRef with a sectionName', [['spec.targetRefs.0.sectionName', 'https']]);
  pol('valid-sectionname-dotted-253', 'sectionName of 253 chars', [['spec.targetRefs.0.sectionName', dnsOfLength(253)]]);
  pol('valid-two-refs-two-sections', 'same Service twice, different sectionNames', [['spec.targetRefs', [svc('backend', { sectionName: 'https' }), svc('backend', { sectionName: 'admin' })]]]);
  pol('valid-two-refs-other-kind', 'same name, different kinds: not the same target', [['spec.targetRefs', [svc('backend'), { group: '', kind: 'ServiceImport', name: 'backend', sectionName: 'x' }]]]);
  pol('valid-two-refs-other-group', 'same name and kind, different groups', [['spec.targetRefs', [svc('backend'), { group: 'example.com', kind: 'Service', name: 'backend', sectionName: 'x' }]]]);
  pol('valid-three-refs-sections', 'three refs to one Service, three sections', [['spec.targetRefs', [svc('backend', { sectionName: 'a' }), svc('backend', { sectionName: 'b' }), svc('backend', { sectionName: 'c' })]]]);
  pol('valid-target-kind-63', 'targetRef kind of 63 chars', [['spec.targetRefs.0.kind', 'K' + rep('a', 62)]]);
  pol('valid-target-kind-lower', 'targetRef kind in lower case (pattern allows it)', [['spec.targetRefs.0.kind', 'service']]);
  pol('valid-target-kind-dash-digit', 'targetRef kind with dash and digit', [['spec.targetRefs.0.kind', 'Svc-2']]);
  pol('valid-target-group-253', 'targetRef group of 253 chars', [['spec.targetRefs.0.group', dnsOfLength(253)]]);
  pol('valid-target-name-253', 'targetRef name of 253 chars', [['spec.targetRefs.0.name', rep('n', 253)]]);
  pol('valid-target-name-253-multibyte', 'targetRef name of 253 two-byte runes (506 bytes): maxLength counts runes', [['spec.targetRefs.0.name', rep('é', 253)]]);
  pol('valid-target-name-253-astral', 'targetRef name of 253 astral runes (506 UTF-16 units)', [['spec.targetRefs.0.name', rep('😀', 253)]]);
  pol('valid-target-name-any-chars', 'targetRef name has no pattern: spaces, upper case, slash', [['spec.targetRefs.0.name', 'Any Name/Ünïcode_ok']]);
  pol('valid-ca-name-253', 'caCertificateRef name of 253 chars', [['spec.validation.caCertificateRefs.0.name', rep('c', 253)]]);
  pol('valid-ca-group-dotted', 'caCertificateRef group example.com', [['spec.validation.caCertificateRefs.0.group', 'example.com']]);
  pol('valid-metadata-labels', 'labels and annotations', [['metadata.labels', { app: 'x', 'example.com/tier': 'backend' }], ['metadata.annotations', { note: 'anything: goes, "quoted" ☃' }]]);
  pol('valid-metadata-name-253', 'name of exactly 253 chars', [], base);
  (cases[cases.length - 1].object.metadata as Obj).name = dnsOfLength(253);
  pol('valid-metadata-name-digits', 'name of digits only', [], base);
  (cases[cases.length - 1].object.metadata as Obj).name = '123';
  pol('valid-metadata-name-dotted', 'dotted name', [], base);
  (cases[cases.length - 1].object.metadata as Obj).name = 'a.b-c.d';
  pol('valid-metadata-generatename', 'generateName instead of name', [], base);
  cases[cases.length - 1].object.metadata = { generateName: 'gen-' };
  pol('valid-status-dropped', 'a status on create is dropped (status subresource), even an invalid one', [['status', { ancestors: [{ ancestorRef: { name: 'g' }, controllerName: 'BAD', conditions: [] }] }]]);
  pol('valid-null-wellknown-with-carefs', 'wellKnownCACertificates null next to caCertificateRefs (null pruned)', [['spec.validation.wellKnownCACertificates', null]]);
  pol('valid-null-carefs-with-wellknown', 'caCertificateRefs null next to wellKnown', [['spec.validation.caCertificateRefs', null]], wk);
  pol('valid-null-sans', 'subjectAltNames null', [['spec.validation.subjectAltNames', null]]);
  pol('valid-null-options', 'options null', [['spec.options', null]]);
  pol('valid-null-sectionname', 'sectionName null', [['spec.targetRefs.0.sectionName', null]]);
  pol('valid-null-labels', 'metadata.labels null', [['metadata.labels', null]]);

  // ---- required ----------------------------------------------------------------------------------
  pol('req-spec-missing', 'no spec', [['spec', undefined]]);
  pol('req-spec-null', 'spec null', [['spec', null]]);
  pol('req-targetrefs-missing', 'no targetRefs', [['spec.targetRefs', undefined]]);
  pol('req-targetrefs-null', 'targetRefs null', [['spec.targetRefs', null]]);
  pol('req-validation-missing', 'no validation', [['spec.validation', undefined]]);
  pol('req-validation-null', 'validation null', [['spec.validation', null]]);
  pol('req-validation-empty', 'validation {}', [['spec.validation', {}]]);
  pol('req-hostname-missing', 'no hostname', [['spec.validation.hostname', undefined]]);
  pol('req-hostname-null', 'hostname null (pruned, then required)', [['spec.validation.hostname', null]]);
  for (const f of ['group', 'kind', 'name']) {
    pol(`req-target-${f}-missing`, `targetRefs[0].${f} missing`, [[`spec.targetRefs.0.${f}`, undefined]]);
    pol(`req-target-${f}-null`, `targetRefs[0].${f} null`, [[`spec.targetRefs.0.${f}`, null]]);
    pol(`req-ca-${f}-missing`, `caCertificateRefs[0].${f} missing`, [[`spec.validation.caCertificateRefs.0.${f}`, undefined]]);
  }
  pol('req-target-all-missing', 'targetRefs[0] is {}', [['spec.targetRefs', [{}]]]);
  pol('req-target-second-missing-name', 'second targetRef has no name', [['spec.targetRefs', [svc('a'), { group: '', kind: 'Service' }]]]);
  pol('req-ca-all-missing', 'caCertificateRefs[0] is {}', [['spec.validation.caCertificateRefs', [{}]]]);
  pol('req-san-type-missing', 'SAN without type', [['spec.validation.subjectAltNames', [{ hostname: 'a.example.com' }]]]);
  pol('req-san-empty-object', 'SAN {}', [['spec.validation.subjectAltNames', [{}]]]);
  pol('req-everything-missing', 'spec {}', [['spec', {}]]);

  // ---- type errors: each JSON type where a string is wanted ----------------------------------------
  // ('object' and 'array' hold a key the schema does not know, which the apiserver reports as an unknown
// field first; the -empty variants are the pure type errors)
  const wrong: [string, Json][] = [['integer', 42], ['number', 1.5], ['boolean', true], ['object', { a: 'b' }], ['object-empty', {}], ['array', ['a']], ['array-empty', []]];
  const stringFields: [string, string, () => Obj][] = [
    ['hostname', 'spec.validation.hostname', base],
    ['wellknown', 'spec.validation.wellKnownCACertificates', wk],
    ['target-group', 'spec.targetRefs.0.group', base],
    ['target-kind', 'spec.targetRefs.0.kind', base],
    ['target-name', 'spec.targetRefs.0.name', base],
    ['target-section', 'spec.targetRefs.0.sectionName', base],
    ['ca-group', 'spec.validation.caCertificateRefs.0.group', base],
    ['ca-kind', 'spec.validation.caCertificateRefs.0.kind', base],
    ['ca-name', 'spec.validation.caCertificateRefs.0.name', base],
    ['san-type', 'spec.validation.subjectAltNames.0.type', base],
    ['san-hostname', 'spec.validation.subjectAltNames.0.hostname', base],
    ['san-uri', 'spec.validation.subjectAltNames.0.uri', base],
    ['option-value', 'spec.options.example\u002ecom/k', base],
  ];
  for (const [short, path, from] of stringFields) {
    for (const [tname, v] of wrong) {
      const sets: [string, Json | undefined][] = [];
      if (short.startsWith('san-')) sets.push(['spec.validation.subjectAltNames', [short === 'san-uri' ? { type: 'URI', uri: 'spiffe://a/b' } : sanH('a.example.com')]]);
      if (short === 'option-value') sets.push(['spec.options', { 'example.com/k': v }]);
      else sets.push([path, v]);
      pol(`type-${short}-${tname}`, `${path} is ${tname}`, sets, from);
    }
  }
  pol('type-hostname-big-integer', 'hostname is an integer beyond int64', [['spec.validation.hostname', 12345678901234567890]]);
  pol('type-hostname-exp-number', 'hostname is 1e300', [['spec.validation.hostname', 1e300]]);
  pol('type-hostname-negative', 'hostname is -7', [['spec.validation.hostname', -7]]);
  pol('type-hostname-float-2-0', 'hostname is 2.0 in the JSON text (a float, though integral)', [['spec.validation.hostname', 'RAW-2-0']]);
  cases[cases.length - 1].rawEdits = [['"RAW-2-0"', '2.0']];
  pol('type-option-value-float-1e2', 'an option value is 1.0e2 in the JSON text', [['spec.options', { 'example.com/k': 'RAW-1E2' }]]);
  cases[cases.length - 1].rawEdits = [['"RAW-1E2"', '1.0e2']];
  pol('dup-key-hostname', 'hostname given twice in the JSON text (strict decoding: duplicate field)', [['spec.validation.hostname', 'first.example.com']]);
  cases[cases.length - 1].rawEdits = [['"hostname": "first.example.com"', '"hostname": "first.example.com", "hostname": "second.example.com"']];
  pol('dup-key-spec-field-invalid-last', 'hostname twice, the last one invalid', [['spec.validation.hostname', 'first.example.com']]);
  cases[cases.length - 1].rawEdits = [['"hostname": "first.example.com"', '"hostname": "first.example.com", "hostname": "Second"']];
  pol('type-hostname-false', 'hostname is false', [['spec.validation.hostname', false]]);
  const nonArrays: [string, Json][] = [['string', 'x'], ['integer', 1], ['object', { a: 'b' }], ['object-empty', {}], ['boolean', false]];
  for (const [short, path] of [['targetrefs', 'spec.targetRefs'], ['carefs', 'spec.validation.caCertificateRefs'], ['sans', 'spec.validation.subjectAltNames']] as const) {
    for (const [tname, v] of nonArrays) pol(`type-${short}-${tname}`, `${path} is ${tname}`, [[path, v]], short === 'carefs' ? base : wk);
  }
  const nonObjects: [string, Json][] = [['string', 'x'], ['integer', 1], ['array', [{ a: 'b' }]], ['array-empty', []], ['array-strings', ['x']]];
  for (const [short, path] of [['spec', 'spec'], ['validation', 'spec.validation'], ['options', 'spec.options'], ['target-item', 'spec.targetRefs.0'], ['ca-item', 'spec.validation.caCertificateRefs.0'], ['san-item', 'spec.validation.subjectAltNames.0']] as const) {
    for (const [tname, v] of nonObjects) pol(`type-${short}-${tname}`, `${path} is ${tname}`, [[path, v]]);
  }
  pol('type-metadata-string', 'metadata is a string (ObjectMeta cannot decode it)', [['metadata', 'x']], base);
  pol('type-metadata-name-integer', 'metadata.name is an integer', [['metadata.name', 5]]);
  pol('type-labels-value-integer', 'a label value is an integer', [['metadata.labels', { a: 1 }]]);

  // ---- maxLength / minLength ----------------------------------------------------------------------
  pol('maxlen-hostname-254', 'hostname of 254 chars', [['spec.validation.hostname', dnsOfLength(254)]]);
  pol('maxlen-hostname-300-bad-pattern', 'hostname of 300 chars that also breaks the pattern', [['spec.validation.hostname', rep('A', 300)]]);
  pol('maxlen-wellknown-254', 'wellKnownCACertificates of 254 chars', [['spec.validation.wellKnownCACertificates', `${dnsOfLength(190)}/${rep('a', 63)}`]], wk);
  pol('maxlen-wellknown-name-64', 'well-known CA name part of 64 chars (pattern)', [['spec.validation.wellKnownCACertificates', `example.com/${rep('a', 64)}`]], wk);
  for (const [who, p] of [['target', 'spec.targetRefs.0'], ['ca', 'spec.validation.caCertificateRefs.0']] as const) {
    pol(`maxlen-${who}-group-254`, `${p}.group of 254 chars`, [[`${p}.group`, dnsOfLength(254)]]);
    pol(`maxlen-${who}-kind-64`, `${p}.kind of 64 chars`, [[`${p}.kind`, 'K' + rep('a', 63)]]);
    pol(`maxlen-${who}-name-254`, `${p}.name of 254 chars`, [[`${p}.name`, rep('n', 254)]]);
    pol(`minlen-${who}-kind-empty`, `${p}.kind ""`, [[`${p}.kind`, '']]);
    pol(`minlen-${who}-name-empty`, `${p}.name ""`, [[`${p}.name`, '']]);
    pol(`valid-${who}-group-empty`, `${p}.group "" (core)`, [[`${p}.group`, '']]);
  }
  pol('maxlen-target-name-254-multibyte', 'targetRef name of 254 two-byte runes', [['spec.targetRefs.0.name', rep('é', 254)]]);
  pol('maxlen-target-name-254-astral', 'targetRef name of 254 astral runes', [['spec.targetRefs.0.name', rep('😀', 254)]]);
  pol('maxlen-target-section-254', 'sectionName of 254 chars', [['spec.targetRefs.0.sectionName', dnsOfLength(254)]]);
  pol('minlen-target-section-empty', 'sectionName ""', [['spec.targetRefs.0.sectionName', '']]);
  pol('maxlen-san-hostname-254', 'SAN hostname of 254 chars', [['spec.validation.subjectAltNames', [sanH(dnsOfLength(254))]]]);
  pol('maxlen-san-uri-254', 'URI SAN of 254 chars', [['spec.validation.subjectAltNames', [{ type: 'URI', uri: 'spiffe://' + rep('a', 245) }]]]);
  pol('minlen-san-hostname-empty', 'Hostname SAN with hostname "" (minLength and CEL)', [['spec.validation.subjectAltNames', [sanH('')]]]);
  pol('minlen-san-uri-empty', 'URI SAN with uri "" (minLength, pattern and CEL)', [['spec.validation.subjectAltNames', [{ type: 'URI', uri: '' }]]]);
  pol('minlen-hostname-empty', 'hostname ""', [['spec.validation.hostname', '']]);
  pol('minlen-wellknown-empty', 'wellKnownCACertificates "" without caCertificateRefs', [['spec.validation.wellKnownCACertificates', '']], wk);
  pol('minlen-wellknown-empty-with-carefs', 'wellKnownCACertificates "" next to caCertificateRefs', [['spec.validation.wellKnownCACertificates', '']]);
  pol('maxlen-option-value-4097', 'option value of 4097 chars', [['spec.options', { 'example.com/k': rep('v', 4097) }]]);
  pol('maxlen-option-value-4097-emoji', 'option value of 4097 astral runes', [['spec.options', { 'example.com/k': rep('😀', 4097) }]]);
  pol('maxlen-option-two-values', 'two option values too long', [['spec.options', { 'a.io/x': rep('v', 5000), 'b.io/y': rep('w', 4097) }]]);
  pol('maxlen-option-key-odd', 'too-long value under a key with a space and unicode', [['spec.options', { 'a b/ключ': rep('v', 4097) }]]);
  pol('maxlen-option-key-dots', 'too-long value under a key with dots and slashes', [['spec.options', { 'example.com/a.b/c': rep('v', 4097) }]]);

  // ---- patterns --------------------------------------------------------------------------------------
  const hostnameBad = {
    upper: 'Backend.example.com', 'trailing-dot': 'backend.example.com.', 'leading-dash': '-backend.example.com', 'label-dash-end': 'backend-.example.com',
    wildcard: '*.example.com', 'double-dot': 'backend..example.com', underscore: 'back_end.example.com', space: 'backend example.com',
    unicode: 'bäckend.example.com', newline: 'backend.example.com\n', 'leading-dot': '.example.com', port: 'backend.example.com:443', slash: 'backend/x',
  } as Record<string, string>;
  for (const [k, v] of Object.entries(hostnameBad)) pol(`pattern-hostname-${k}`, `hostname ${JSON.stringify(v)}`, [['spec.validation.hostname', v]]);
  const sanBad = {
    'star-no-dot': '*example.com', 'double-star': '*.*.example.com', 'inner-star': 'a.*.example.com', 'star-only': '*', 'star-dot': '*.',
    upper: 'A.example.com', 'trailing-dot': 'a.example.com.', 'leading-dash': '-a.example.com', 'star-upper': '*.Example.com', 'star-trailing-dot': '*.example.com.',
  } as Record<string, string>;
  for (const [k, v] of Object.entries(sanBad)) pol(`pattern-san-hostname-${k}`, `SAN hostname ${JSON.stringify(v)}`, [['spec.validation.subjectAltNames', [sanH(v)]]]);
  const uriBad = { 'no-slashes': 'spiffe:a/b', 'no-scheme': '//a/b', 'empty-scheme': '://a', urn: 'urn:isbn:1', 'path-only': '/a/b', plain: 'a.example.com' } as Record<string, string>;
  for (const [k, v] of Object.entries(uriBad)) pol(`pattern-san-uri-${k}`, `URI SAN ${JSON.stringify(v)}`, [['spec.validation.subjectAltNames', [{ type: 'URI', uri: v }]]]);
  const wkBad = {
    lower: 'system', upper: 'SYSTEM', 'trailing-space': 'System ', 'no-name': 'example.com/', 'name-dash-start': 'example.com/-x', 'name-dash-end': 'example.com/x-',
    'upper-domain': 'Example.com/x', 'no-domain': '/x', 'two-slashes': 'example.com/a/b', 'no-slash': 'example.com',
  } as Record<string, string>;
  for (const [k, v] of Object.entries(wkBad)) pol(`pattern-wellknown-${k}`, `wellKnownCACertificates ${JSON.stringify(v)}`, [['spec.validation.wellKnownCACertificates', v]], wk);
  const groupBad = { upper: 'Core', 'trailing-dot': 'example.com.', 'leading-dash': '-example.com', underscore: 'ex_ample.com', space: ' ' } as Record<string, string>;
  for (const [k, v] of Object.entries(groupBad)) pol(`pattern-target-group-${k}`, `targetRef group ${JSON.stringify(v)}`, [['spec.targetRefs.0.group', v]]);
  pol('pattern-ca-group-upper', 'caCertificateRef group "Core"', [['spec.validation.caCertificateRefs.0.group', 'Core']]);
  const kindBad = { 'digit-start': '1Service', underscore: 'Ser_vice', 'dash-end': 'Service-', dot: 'v1.Service', space: 'Service ' } as Record<string, string>;
  for (const [k, v] of Object.entries(kindBad)) pol(`pattern-target-kind-${k}`, `targetRef kind ${JSON.stringify(v)}`, [['spec.targetRefs.0.kind', v]]);
  pol('pattern-ca-kind-digit-start', 'caCertificateRef kind "9Map"', [['spec.validation.caCertificateRefs.0.kind', '9Map']]);
  const sectionBad = { upper: 'Https', 'trailing-dot': 'https.', 'leading-dash': '-https', underscore: 'https_1', unicode: 'ħttps' } as Record<string, string>;
  for (const [k, v] of Object.entries(sectionBad)) pol(`pattern-target-section-${k}`, `sectionName ${JSON.stringify(v)}`, [['spec.targetRefs.0.sectionName', v]]);

  // ---- enum --------------------------------------------------------------------------------------------
  const enumBad = { ip: 'IP', lower: 'hostname', empty: '', 'trailing-space': 'URI ', email: 'Email' } as Record<string, string>;
  for (const [k, v] of Object.entries(enumBad)) pol(`enum-san-type-${k}`, `SAN type ${JSON.stringify(v)}`, [['spec.validation.subjectAltNames', [{ type: v, hostname: '10.0.0.1' }]]]);
  pol('enum-san-type-ip-no-value', 'SAN type IP, nothing else', [['spec.validation.subjectAltNames', [{ type: 'IP' }]]]);

  // ---- maxItems / minItems / maxProperties -------------------------------------------------------------------
  pol('maxitems-targetrefs-17', '17 targetRefs', [['spec.targetRefs', Array.from({ length: 17 }, (_, i) => svc(`s${i + 1}`))]]);
  pol('maxitems-targetrefs-17-dup', '17 targetRefs, two the same (CEL blocked)', [['spec.targetRefs', [...Array.from({ length: 16 }, (_, i) => svc(`s${i + 1}`)), svc('s1')]]]);
  pol('minitems-targetrefs-0', 'targetRefs []', [['spec.targetRefs', []]]);
  pol('maxitems-carefs-9', '9 caCertificateRefs', [['spec.validation.caCertificateRefs', Array.from({ length: 9 }, (_, i) => cm(`ca${i + 1}`))]]);
  pol('maxitems-sans-6', 'six SANs', [['spec.validation.subjectAltNames', Array.from({ length: 6 }, (_, i) => sanH(`h${i + 1}.example.com`))]]);
  pol('maxitems-sans-6-bad-items', 'six SANs, one of them invalid by CEL', [['spec.validation.subjectAltNames', [...Array.from({ length: 5 }, (_, i) => sanH(`h${i + 1}.example.com`)), { type: 'Hostname' }]]]);
  pol('maxprops-options-17', '17 options', [['spec.options', Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`example.com/o${i + 1}`, 'v']))]]);
  pol('maxprops-options-17-long-value', '17 options, one value too long', [['spec.options', Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`example.com/o${i + 1}`, i === 3 ? rep('v', 4097) : 'v']))]]);

  // ---- CEL rules: each one true and false ----------------------------------------------------------------------
  pol('cel-both-ca', 'caCertificateRefs and wellKnownCACertificates', [['spec.validation.wellKnownCACertificates', 'System']]);
  pol('cel-both-ca-vendor', 'caCertificateRefs and a vendor well-known set', [['spec.validation.wellKnownCACertificates', 'example.com/x']]);
  pol('cel-neither-ca', 'no CA source at all', [['spec.validation.caCertificateRefs', undefined]]);
  pol('cel-neither-ca-empty-list', 'caCertificateRefs [] and no wellKnown', [['spec.validation.caCertificateRefs', []]]);
  pol('cel-neither-ca-empty-both', 'caCertificateRefs [] and wellKnown ""', [['spec.validation.caCertificateRefs', []], ['spec.validation.wellKnownCACertificates', '']]);
  pol('cel-section-specify', 'same Service twice, one sectionName', [['spec.targetRefs', [svc('backend'), svc('backend', { sectionName: 'https' })]]]);
  pol('cel-section-unique', 'same Service and sectionName twice', [['spec.targetRefs', [svc('backend', { sectionName: 'https' }), svc('backend', { sectionName: 'https' })]]]);
  pol('cel-section-unique-none', 'same Service twice, no sectionName', [['spec.targetRefs', [svc('backend'), svc('backend')]]]);
  pol('cel-section-empty-strings', 'same Service twice, sectionName "" on both', [['spec.targetRefs', [svc('backend', { sectionName: '' }), svc('backend', { sectionName: '' })]]]);
  pol('cel-section-empty-vs-missing', 'same Service twice, sectionName "" and missing', [['spec.targetRefs', [svc('backend', { sectionName: '' }), svc('backend')]]]);
  pol('cel-section-three-mixed', 'three refs: none, https, https', [['spec.targetRefs', [svc('backend'), svc('backend', { sectionName: 'https' }), svc('backend', { sectionName: 'https' })]]]);
  pol('cel-section-two-pairs', 'two Services each twice without sectionName', [['spec.targetRefs', [svc('a'), svc('b'), svc('a'), svc('b')]]]);
  pol('cel-san-hostname-missing', 'Hostname SAN without hostname', [['spec.validation.subjectAltNames', [{ type: 'Hostname' }]]]);
  pol('cel-san-uri-missing', 'URI SAN without uri', [['spec.validation.subjectAltNames', [{ type: 'URI' }]]]);
  pol('cel-san-uri-with-hostname', 'URI SAN with a hostname', [['spec.validation.subjectAltNames', [{ type: 'URI', uri: 'spiffe://a/b', hostname: 'a.example.com' }]]]);
  pol('cel-san-hostname-with-uri', 'Hostname SAN with a uri', [['spec.validation.subjectAltNames', [{ type: 'Hostname', hostname: 'a.example.com', uri: 'spiffe://a/b' }]]]);
  pol('cel-san-uri-only-hostname', 'URI SAN with a hostname and no uri (two rules)', [['spec.validation.subjectAltNames', [{ type: 'URI', hostname: 'a.example.com' }]]]);
  pol('cel-san-hostname-only-uri', 'Hostname SAN with a uri and no hostname (two rules)', [['spec.validation.subjectAltNames', [{ type: 'Hostname', uri: 'spiffe://a/b' }]]]);
  pol('cel-san-several', 'several SANs, each breaking a different rule', [['spec.validation.subjectAltNames', [{ type: 'Hostname' }, { type: 'URI' }, sanH('ok.example.com'), { type: 'URI', uri: 'spiffe://a/b', hostname: 'x.example.com' }]]]);
  pol('cel-everything', 'every CEL rule at once', [['spec.targetRefs', [svc('a'), svc('a', { sectionName: 'x' }), svc('b', { sectionName: 'y' }), svc('b', { sectionName: 'y' })]], ['spec.validation.wellKnownCACertificates', 'System'], ['spec.validation.subjectAltNames', [{ type: 'Hostname', uri: 'spiffe://a/b' }, { type: 'URI', hostname: 'a.example.com' }]]]);

  // ---- combinations: blocking and non-blocking errors --------------------------------------------------------------
  pol('combo-readme-multi', 'hostname "", duplicate sectionName Https, both CA kinds', [['spec.validation.hostname', ''], ['spec.targetRefs', [svc('backend', { sectionName: 'Https' }), svc('backend', { sectionName: 'Https' })]], ['spec.validation.wellKnownCACertificates', 'System']]);
  pol('combo-toolong-and-cel', 'hostname too long (blocking) + both CA sources (CEL not run)', [['spec.validation.hostname', dnsOfLength(300)], ['spec.validation.wellKnownCACertificates', 'System']]);
  pol('combo-toolong-and-pattern', 'hostname too long + sectionName pattern + SAN CEL', [['spec.validation.hostname', dnsOfLength(254)], ['spec.targetRefs.0.sectionName', 'Bad'], ['spec.validation.subjectAltNames', [{ type: 'Hostname' }]]]);
  pol('combo-required-and-pattern', 'targetRef name missing + hostname pattern', [['spec.targetRefs.0.name', undefined], ['spec.validation.hostname', 'UPPER']]);
  pol('combo-type-and-minlength', 'hostname integer + kind ""', [['spec.validation.hostname', 1], ['spec.targetRefs.0.kind', '']]);
  pol('combo-enum-and-cel', 'SAN type IP + both CA sources', [['spec.validation.subjectAltNames', [{ type: 'IP' }]], ['spec.validation.wellKnownCACertificates', 'System']]);
  pol('combo-maxitems-and-cel', 'six SANs + both CA sources', [['spec.validation.subjectAltNames', Array.from({ length: 6 }, (_, i) => sanH(`h${i}.example.com`))], ['spec.validation.wellKnownCACertificates', 'System']]);
  pol('combo-minitems-and-cel', 'targetRefs [] + both CA sources', [['spec.targetRefs', []], ['spec.validation.wellKnownCACertificates', 'System']]);
  pol('combo-maxprops-and-cel', '17 options + both CA sources', [['spec.options', Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']))], ['spec.validation.wellKnownCACertificates', 'System']]);
  pol('combo-pattern-and-cel', 'hostname pattern + neither CA source', [['spec.validation.hostname', 'Bad.example.com'], ['spec.validation.caCertificateRefs', undefined]]);
  pol('combo-name-and-cel', 'bad metadata.name + both CA sources', [['spec.validation.wellKnownCACertificates', 'System']]);
  (cases[cases.length - 1].object.metadata as Obj).name = 'Combo_Name';
  pol('combo-name-and-toolong', 'bad metadata.name + hostname too long', [['spec.validation.hostname', dnsOfLength(254)]]);
  (cases[cases.length - 1].object.metadata as Obj).name = 'combo-name-and-toolong.';
  pol('combo-many-errors', 'errors in every list at once', [['spec.targetRefs', [{ group: 'G', kind: '', name: '' }, { kind: 'Service' }]], ['spec.validation', { hostname: '', caCertificateRefs: [{ group: 'x_y', kind: '1', name: '' }], subjectAltNames: [{ type: 'Hostname', hostname: 'A' }, { type: 'URI', uri: 'nope' }] }]]);

  // ---- unknown fields ---------------------------------------------------------------------------------------------
  pol('unknown-root', 'unknown field at the root', [['foo', 'bar']]);
  pol('unknown-spec', 'spec.foo', [['spec.foo', 1]]);
  pol('unknown-metadata', 'metadata.foo', [['metadata.foo', 'x']]);
  pol('unknown-validation', 'spec.validation.hostnames (typo)', [['spec.validation.hostnames', ['a']]]);
  pol('unknown-target-port', 'targetRefs[0].port', [['spec.targetRefs.0.port', 443]]);
  pol('unknown-target-namespace', 'targetRefs[0].namespace (cross-namespace ref)', [['spec.targetRefs.0.namespace', 'other']]);
  pol('unknown-ca-namespace', 'caCertificateRefs[0].namespace', [['spec.validation.caCertificateRefs.0.namespace', 'other']]);
  pol('unknown-san-deep', 'subjectAltNames[0].ip.v4 (an unknown object)', [['spec.validation.subjectAltNames', [{ type: 'Hostname', hostname: 'a.example.com', ip: { v4: '1.2.3.4' } }]]]);
  pol('unknown-second-item', 'targetRefs[1].weight', [['spec.targetRefs', [svc('a'), svc('b', { weight: 1 })]]]);
  pol('unknown-two', 'two unknown fields', [['spec.foo', 1], ['spec.validation.bar', 2]]);
  pol('unknown-hides-errors', 'an unknown field hides a type error and a CEL error', [['spec.foo', 1], ['spec.validation.hostname', 5], ['spec.validation.wellKnownCACertificates', 'System']]);
  pol('unknown-status', 'status.foo', [['status', { foo: 1 }]]);
  pol('unknown-unicode-name', 'unknown field with a non-ASCII name', [['spec.ünknown', 1]]);
  pol('unknown-dotted-name', 'unknown field whose name has a dot', [['spec.a.b', undefined]]);
  ((cases[cases.length - 1].object.spec as Obj) as Obj)['a.b'] = 1;
  pol('unknown-null-value', 'unknown field with a null value', [['spec.foo', null]]);
  pol('unknown-in-options-is-fine', 'any key in options is allowed (a map)', [['spec.options', { foo: 'bar' }]]);

  // ---- metadata.name ---------------------------------------------------------------------------------------------------
  const badNames: Record<string, Json | undefined> = {
    upper: 'Name-Upper', 'leading-dash': '-edge', 'trailing-dash': 'edge-', 'trailing-dot': 'edge.', 'double-dot': 'a..b', underscore: 'a_b',
    unicode: 'ædge', space: 'a b', slash: 'a/b', 'len-254': dnsOfLength(254), 'len-254-upper': 'X' + dnsOfLength(253), empty: '', missing: undefined, colon: 'a:b',
  };
  for (const [k, v] of Object.entries(badNames)) {
    pol(`name-${k}`, `metadata.name ${v === undefined ? 'missing' : JSON.stringify(v).slice(0, 40)}`, []);
    const md = cases[cases.length - 1].object.metadata as Obj;
    if (v === undefined) delete md.name;
    else md.name = v;
  }
  pol('name-generatename-bad', 'no name, generateName with upper case', [], base,
    'the apiserver also reports the generated name, which has a random suffix (metadata.name: Invalid value: "Gen-xxxxx": ...)');
  cases[cases.length - 1].object.metadata = { generateName: 'Gen-' };
  pol('name-no-metadata', 'no metadata at all', []);
  delete cases[cases.length - 1].object.metadata;
  pol('name-label-bad', 'invalid label key and value', [['metadata.labels', { 'bad key': 'x', ok: 'bad value!' }]]);

  // ---- unicode and control characters in strings (quoting of Invalid value) -----------------------------------------
  const odd: Record<string, string> = {
    nul: 'a\u0000b', tab: 'a\tb', newline: 'a\nb', cr: 'a\rb', bell: 'a\u0007b', del: 'a\u007fb', esc: 'a\u001bb',
    quote: 'a"b', backslash: 'a\\b', nbsp: 'a\u00a0b', zwsp: 'a\u200bb', nel: 'a\u0085b', 'line-sep': 'a\u2028b', bom: '\ufeffab',
    emoji: 'a😀b', 'e-acute': 'é', cjk: '漢字', 'replacement-char': 'a\ufffdb', 'lone-surrogate': 'a\ud800b', 'private-use': 'a\ue000b',
    'astral-unassigned': 'a\u{10FFFF}b', combining: 'e\u0301',
  };
  for (const [k, v] of Object.entries(odd)) pol(`quote-section-${k}`, `sectionName ${JSON.stringify(v)} (pattern error prints the value)`, [['spec.targetRefs.0.sectionName', v]]);
  for (const k of ['nul', 'newline', 'quote', 'backslash', 'zwsp', 'emoji', 'lone-surrogate', 'bom']) {
    pol(`quote-hostname-${k}`, `hostname ${JSON.stringify(odd[k])}`, [['spec.validation.hostname', odd[k]]]);
    pol(`quote-name-${k}`, `metadata.name ${JSON.stringify(odd[k])}`, []);
    (cases[cases.length - 1].object.metadata as Obj).name = odd[k];
    pol(`quote-san-type-${k}`, `SAN type ${JSON.stringify(odd[k])} (enum error)`, [['spec.validation.subjectAltNames', [{ type: odd[k] }]]]);
  }
  pol('quote-option-key-newline', 'too-long option value under a key with a newline', [['spec.options', { 'a\nb': rep('v', 4097) }]]);
  pol('quote-option-key-quote', 'too-long option value under a key with a quote', [['spec.options', { 'a"b': rep('v', 4097) }]]);
  pol('quote-valid-target-name-controls', 'targetRef name with control characters (no pattern: valid)', [['spec.targetRefs.0.name', 'a\u0000\t\n"\\😀']]);
  pol('quote-unknown-field-newline', 'unknown field with a newline in its name', []);
  (cases[cases.length - 1].object.spec as Obj)['a\nb'] = 1;

  // ---- found by the differential fuzzer (fuzz-parity.e2e.test.ts), minimised ---------------------------------------
  // numbers: Go decodes an integral number as int64 when its text fits one, beyond JavaScript's safe integers too
  pol('fuzz-type-kind-int64-beyond-2-53', 'targetRef kind 2^53 + 2: an int64 to Go ("integer")', [['spec.targetRefs.0.kind', 9007199254740994]]);
  pol('fuzz-type-option-int64-beyond-2-53', 'an option value 2^53 + 2 under the empty key', [['spec.options', { '': 9007199254740994 }]]);
  // metadata: decoded after the apiserver re-encodes it, so in sorted key order; a timestamp error stops the decoder
  const metaCases: [string, string, Obj][] = [
    ['uid-number', 'metadata.uid a number (types.UID)', { uid: 5 }],
    ['generation-float', 'metadata.generation 1.5 (the number is printed)', { generation: 1.5 }],
    ['generation-overflow', 'metadata.generation 1e20 (out of int64, printed)', { generation: 1e20 }],
    ['grace-tiny', 'metadata.deletionGracePeriodSeconds 1e-7', { deletionGracePeriodSeconds: 1e-7 }],
    ['labels-sorted', 'two bad label values: the first in sorted key order is reported', { labels: { dte3ou4xv: false, Secret: 0 } }],
    ['fields-sorted', 'uid and annotations both wrong: annotations comes first in sorted order', { uid: 5, annotations: { a: 1 } }],
    ['timestamp-number', 'creationTimestamp a number: fails as a string', { creationTimestamp: 5 }],
    ['timestamp-stops', 'annotations wrong, then creationTimestamp an object: the timestamp error wins', { annotations: { a: 1 }, creationTimestamp: {} }],
    ['owner-fields-sorted', 'owner reference uid and controller both wrong: controller first', { ownerReferences: [{ uid: 5, controller: 'x' }] }],
    ['managed-fields-string', 'managedFields a string', { managedFields: 'x' }],
    ['managed-fields-manager', 'a managedFields entry with a numeric manager', { managedFields: [{ manager: 5 }] }],
    ['managed-fields-time-stops', 'a bad manager, then an entry whose time does not parse: the time error wins', { managedFields: [{ manager: 5 }, { time: 'x' }] }],
    ['managed-fields-time-number', 'a managedFields entry with a numeric time', { managedFields: [{ time: 5 }] }],
    ['managed-fields-any-fieldsv1', 'fieldsV1 holds any JSON; entries are not validated on create', { managedFields: [{ fieldsV1: 5, operation: 'Bad' }] }],
    ['finalizers-quoted', 'orphan and foregroundDeletion with an odd finalizer: the list is printed with Go quoting', { finalizers: ['foregroundDeletion', 'orphan', 'a\u2028\u0000'] }],
  ];
  for (const [k, about, md] of metaCases) pol(`fuzz-meta-${k}`, about, Object.entries(md).map(([f, v]) => [`metadata.${f}`, v] as [string, Json]));
  // lone surrogates: Go's decoder makes them U+FFFD, in keys (so in field paths) too
  pol('fuzz-surrogate-unknown-field', 'an unknown field whose name has a lone surrogate', []);
  (cases[cases.length - 1].object.spec as Obj)['a\ud800b'] = 1;
  pol('fuzz-unknown-field-backslash-quote', 'unknown fields named `x\\` and `y"z`: the decoder quotes them without escaping', []);
  (cases[cases.length - 1].object.spec as Obj)['x\\'] = 1;
  (cases[cases.length - 1].object.spec as Obj)['y"z'] = 2;
  pol('fuzz-surrogate-option-key', 'a wrong option value under a key with a lone surrogate', [['spec.options', { '>\udfff': 1 }]]);

  // ---- rules/_base.yaml with every rule case's patch ---------------------------------------------------------------
  const seen = new Map<string, number>();
  const unique = (stem: string) => {
    const n = (seen.get(stem) ?? 0) + 1;
    seen.set(stem, n);
    return n === 1 ? stem : `${stem}-${n}`;
  };
  const slug = (s: string, max = 60) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max).replace(/-+$/g, '');
  const baseYaml = loadAll(readFileSync(join(repoRoot, 'rules', '_base.yaml'), 'utf8'))[0] as Obj;
  const withoutNs = (o: Obj) => {
    const c = clone(o);
    if (c.metadata && typeof c.metadata === 'object' && !Array.isArray(c.metadata)) delete (c.metadata as Obj).namespace;
    return c;
  };
  {
    const o = withoutNs(baseYaml);
    (o.metadata as Obj).name = 'rules-base';
    add({ id: 'rules-base', about: 'rules/_base.yaml as is', object: o });
  }
  const ruleCases: [string, { name: string; patch?: Json }][] = [];
  const crdCases = (loadAll(readFileSync(join(repoRoot, 'rules', '_crd-cases.yaml'), 'utf8'))[0] ?? {}) as Record<string, { name: string; patch?: Json }[]>;
  for (const [rule, list] of Object.entries(crdCases)) for (const c of list ?? []) ruleCases.push([rule, c]);
  for (const dir of ['crd', 'default']) {
    for (const f of readdirSync(join(repoRoot, 'rules', dir)).filter((x) => /\.ya?ml$/.test(x)).sort()) {
      const spec = loadAll(readFileSync(join(repoRoot, 'rules', dir, f), 'utf8'))[0] as { id: string; cases?: { name: string; patch?: Json }[] };
      for (const c of spec.cases ?? []) ruleCases.push([spec.id, c]);
    }
  }
  for (const [rule, c] of ruleCases) {
    const id = unique(`rulecase-${slug(rule, 40)}-${slug(c.name, 40)}`.replace(/-+$/, ''));
    const o = withoutNs(mergePatch(clone(baseYaml), c.patch ?? {}) as Obj);
    const md = o.metadata as Obj | undefined;
    // the patch may be about the name; otherwise the name is the id
    const patchMeta = (c.patch as Obj | undefined)?.metadata;
    const patchedName = patchMeta !== undefined && (typeof patchMeta !== 'object' || patchMeta === null || (patchMeta as Obj).name !== undefined);
    if (md && typeof md === 'object' && !Array.isArray(md) && !patchedName) md.name = id;
    const served = (o.apiVersion as string) !== `${G}/v1`;
    add({
      id,
      about: `rules case ${rule}: ${c.name}`,
      object: o,
      ...(served ? { verdictOnly: 'apiVersion not served: the apiserver has no REST endpoint for it (404 from discovery/POST), btls reports crd-served-version' } : {}),
    });
  }

  // ---- every BackendTLSPolicy in test/fixtures/ --------------------------------------------------------------------------
  const fixtureRoot = join(repoRoot, 'test', 'fixtures');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(e)) files.push(p);
    }
  };
  walk(fixtureRoot);
  const usedNames = new Set<string>();
  for (const file of files) {
    let docs: unknown[];
    try {
      docs = loadAll(readFileSync(file, 'utf8'));
    } catch {
      continue; // test/fixtures/check/errors/*: not parseable on purpose
    }
    const policies: Obj[] = [];
    for (const d of docs) {
      if (!d || typeof d !== 'object') continue;
      const o = d as Obj;
      if (o.kind === 'List' && Array.isArray(o.items)) for (const it of o.items) if (it && typeof it === 'object' && (it as Obj).kind === 'BackendTLSPolicy') policies.push(it as Obj);
      if (o.kind === 'BackendTLSPolicy') policies.push(o);
    }
    const rel = relative(fixtureRoot, file);
    policies.forEach((p, i) => {
      const o = withoutNs(p);
      const md = (o.metadata ?? {}) as Obj;
      const orig = typeof md.name === 'string' ? md.name : 'unnamed';
      let name = orig;
      for (let n = 2; usedNames.has(name); n++) name = `${orig}-${n}`;
      usedNames.add(name);
      if (o.metadata) md.name = name;
      const id = unique(`fixture-${slug(rel.replace(/\.(ya?ml|json)$/, ''), 60)}-${i + 1}`);
      add({ id, about: `test/fixtures/${rel} #${i + 1} (${orig})`, object: o });
    });
  }
  return cases;
}

/** Writes one `<NNN>-<id>.json` per case into dir (created); returns the file names in case order. */
export function writeCorpus(dir: string, cases: CorpusCase[], objectOf: (c: CorpusCase) => Obj = (c) => c.object): string[] {
  mkdirSync(dir, { recursive: true });
  return cases.map((c, i) => {
    const file = `${String(i + 1).padStart(3, '0')}-${c.id}.json`;
    writeFileSync(join(dir, file), corpusText(c, objectOf(c)));
    return file;
  });
}
