// Rule evaluation per policy: btls's compiled CEL side by side with two CEL interpreters and with the
// same rules written by hand in JavaScript (the floor). Target: btls within 3x of the hand-written rules.
// Run: make bench (builds dist/ first). Prints ratios; asserts nothing.
import { parse as celJsParse } from '@marcbachmann/cel-js';
import { celEnv, parse as bufParse, plan } from '@bufbuild/cel';
import { compileCel } from '../../dist/rules/cel/compile.js';
import { loadEngine } from '../../dist/rules/engine.js';
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';

const base = load(readFileSync(new URL('../../rules/_base.yaml', import.meta.url), 'utf8'));
const rules = ['crd-section-name-target-refs', 'crd-section-name-unique-target-refs', 'crd-not-both-ca-certificate-refs-well'].map(
  (id) => load(readFileSync(new URL(`../../rules/crd/${id}.yaml`, import.meta.url), 'utf8')),
);
const selfOf = (rule) => (rule.path === 'spec.targetRefs' ? base.spec.targetRefs : base.spec.validation);

// the three rules as a person would write them in JavaScript
const hasSection = (r) => r.sectionName !== undefined && r.sectionName !== '';
const same = (a, b) => a.group === b.group && a.kind === b.kind && a.name === b.name;
const handWritten = [
  (refs) => refs.every((p1) => refs.every((p2) => (same(p1, p2) ? hasSection(p1) === hasSection(p2) : true))),
  (refs) =>
    refs.every((p1) => refs.filter((p2) => same(p1, p2) && ((!hasSection(p1) && !hasSection(p2)) || (hasSection(p1) && hasSection(p2) && p1.sectionName === p2.sectionName))).length === 1),
  (v) => !(v.caCertificateRefs?.length > 0 && v.wellKnownCACertificates !== undefined && v.wellKnownCACertificates !== ''),
];

const toCelMap = (v) =>
  Array.isArray(v) ? v.map(toCelMap) : v && typeof v === 'object' ? new Map(Object.entries(v).map(([k, x]) => [k, toCelMap(x)])) : v;

const contenders = {
  'hand-written JavaScript (floor)': rules.map((r, i) => { const self = selfOf(r); return () => handWritten[i](self); }),
  'btls compiled CEL': rules.map((r) => { const f = compileCel(r.rule).positional; const self = selfOf(r); return () => f(self); }),
  '@marcbachmann/cel-js': rules.map((r) => { const f = celJsParse(r.rule); const self = selfOf(r); return () => f({ self }); }),
  '@bufbuild/cel (planned once)': rules.map((r) => { const f = plan(celEnv(), bufParse(r.rule)); const self = toCelMap(selfOf(r)); return () => f({ self }); }),
};

for (const [name, fns] of Object.entries(contenders)) {
  for (const f of fns) if (f() !== true) throw new Error(`${name} does not accept the known-good policy`);
}

function time(fns, iterations) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) for (const f of fns) f();
  return Number(process.hrtime.bigint() - start) / iterations;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const results = {};
for (const [name, fns] of Object.entries(contenders)) {
  const iterations = name.includes('bufbuild') ? 20_000 : name.includes('cel-js') ? 50_000 : 500_000;
  time(fns, iterations / 10); // warm up
  results[name] = median(Array.from({ length: 5 }, () => time(fns, iterations)));
}
const floor = results['hand-written JavaScript (floor)'];
console.log('three upstream CEL rules on a one-element list, ns per policy (median of 5 runs):');
for (const [name, ns] of Object.entries(results)) console.log(`  ${name.padEnd(34)} ${ns.toFixed(0).padStart(8)} ns   ${(ns / floor).toFixed(2)}x`);
const ratio = results['btls compiled CEL'] / floor;
console.log(`btls / hand-written: ${ratio.toFixed(2)}x (target <= 3x) ${ratio <= 3 ? 'OK' : 'OVER TARGET'}`);

// the whole default rule set (schema + CEL) on the known-good policy, for scale
const engine = loadEngine();
const n = 20_000;
for (let i = 0; i < 2000; i++) engine.evaluate(base);
const start = process.hrtime.bigint();
for (let i = 0; i < n; i++) engine.evaluate(base);
console.log(`whole default rule set (schema + ${'all'} rules) per policy: ${(Number(process.hrtime.bigint() - start) / n / 1000).toFixed(1)} us`);
