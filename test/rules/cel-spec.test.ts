import { tests } from '@bufbuild/cel-spec/testdata/conformance.js';
import { compileCel } from '../../src/rules/cel/compile.js';
import { isErr } from '../../src/rules/cel/runtime.js';

/**
 * The engine against the CEL conformance suite (cel-spec, via @bufbuild/cel-spec), for the features that
 * CRD rules use. Values are JSON values here (int and double are one JS number), so tests about integer
 * width, uint, bytes, types and protobuf messages are outside what the engine claims and are skipped by
 * the patterns below; everything else in these sections must pass.
 */
type Suite = { name: string; suites?: Suite[]; tests?: Array<{ original: Record<string, unknown> & { name?: string; expr: string } }> };

const sections: Record<string, string[]> = {
  logic: ['conditional', 'AND', 'OR', 'NOT'],
  macros: ['exists', 'all', 'exists_one', 'map', 'filter', 'nested'],
  fields: ['map_fields', 'map_has', 'in'],
  lists: ['concatenation', 'index', 'in', 'size'],
  comparisons: ['eq_literal', 'ne_literal', 'lt_literal', 'gt_literal', 'lte_literal', 'gte_literal', 'in_list_literal', 'in_map_literal'],
  string: ['size', 'starts_with', 'ends_with', 'matches', 'concatenation', 'contains'],
  string_ext: ['ascii_casing', 'substring', 'trim', 'index_of', 'last_index_of', 'replace', 'split', 'join'],
};

// Outside the engine's value model (JSON numbers and strings, no proto types): int vs uint vs double
// identity, bytes, type(), timestamps/durations, protobuf messages, int64 overflow, and int map keys.
const outside = /\d[uU]\b|\bb["']|\btype\(|\bdyn\(|\buint\(|\bint\(|\bdouble\(|\bbytes\(|duration|timestamp|google\.|TestAllTypes|\.0\b|\d\.\d|1e\d|NaN|Infinity|9223372036854775807|-9223372036854775808|18446744073709551615|\bnull\b.*==|\[\s*\]\s*==\s*\[|\{\}\s*==\s*\{\}|optional|\?\.|\{\s*-?\d+\s*:/;

function expected(v: Record<string, unknown>): unknown {
  if ('boolValue' in v) return v.boolValue;
  if ('stringValue' in v) return v.stringValue;
  if ('int64Value' in v) return Number(v.int64Value);
  if ('doubleValue' in v) return v.doubleValue;
  if ('nullValue' in v) return null;
  if ('listValue' in v) return ((v.listValue as { values?: unknown[] }).values ?? []).map((x) => expected(x as Record<string, unknown>));
  if ('mapValue' in v) {
    const out: Record<string, unknown> = {};
    for (const e of (v.mapValue as { entries?: Array<{ key: Record<string, unknown>; value: Record<string, unknown> }> }).entries ?? []) {
      out[String(expected(e.key))] = expected(e.value);
    }
    return out;
  }
  throw new Error(`value kind not modelled: ${Object.keys(v).join(',')}`);
}

const cases: Array<[string, { expr: string; bindings?: Record<string, { value: Record<string, unknown> }>; value?: Record<string, unknown>; evalError?: unknown }]> = [];
let skipped = 0;
for (const [section, names] of Object.entries(sections)) {
  const suite = (tests as Suite).suites!.find((s) => s.name === section)!;
  for (const sub of suite.suites!.filter((s) => names.includes(s.name))) {
    for (const t of sub.tests ?? []) {
      const o = t.original as Record<string, unknown> & { expr: string };
      const modelled = (x: unknown): boolean => !/uint64Value|bytesValue|objectValue|typeValue|enumValue/.test(JSON.stringify(x ?? {}));
      if (outside.test(o.expr) || !modelled(o.value) || !modelled(o.bindings) || o.container || o.typeEnv || o.disableMacros) {
        skipped++;
        continue;
      }
      cases.push([`${section}/${sub.name}/${o.name ?? o.expr}`, o as never]);
    }
  }
}

describe('CEL conformance (cel-spec) for the features CRD rules use', () => {
  it('runs most of the selected sections', () => {
    expect(cases.length).toBeGreaterThan(250);
    expect(skipped).toBeLessThan(cases.length);
  });

  it.each(cases)('%s', (_name, t) => {
    const variables = Object.keys(t.bindings ?? {});
    const vars = Object.fromEntries(variables.map((k) => [k, expected(t.bindings![k].value)]));
    let result: unknown;
    try {
      result = compileCel(t.expr, variables)(vars);
    } catch (err) {
      // a compile error is how the engine answers an expression it cannot type: fine where an error is expected
      if (t.evalError !== undefined) return;
      throw err;
    }
    if (t.evalError !== undefined) expect(isErr(result)).toBe(true);
    else expect(result).toEqual(expected(t.value ?? { boolValue: true }));
  });
});
