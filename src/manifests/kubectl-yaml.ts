import { defineScalarTag, FAILSAFE_SCHEMA, mergeTag, NOT_RESOLVED, Schema } from 'js-yaml';

/**
 * The YAML dialect kubectl reads manifests in: sigs.k8s.io/yaml over its fork of go-yaml v2, a YAML 1.1 with
 * Go's number syntax. js-yaml's YAML 1.1 schema is close but not the same (it reads `1e3` and `0o17` as
 * strings, `190:20:30` as a number and dates as Dates), so the plain-scalar resolution of go-yaml v2's
 * `resolve()` is written out here. test/fixtures/kubectl-yaml-scalars.tsv holds what sigs.k8s.io/yaml v1.4.0
 * (kubectl v1.33's) makes of each scalar form; scripts/kubectl-yaml-truth/ regenerates it.
 *
 * Only plain scalars resolve; quoted ones are always strings.
 */

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE']);
// go-yaml reads these as floats; encoding/json cannot write them, so kubectl refuses the document
const NON_FINITE = new Map<string, number>([
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Infinity] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, -Infinity] as const),
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, NaN] as const),
]);

// go-yaml's yamlStyleFloat, matched after underscores are removed
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
// strconv.ParseInt/ParseUint with base 0: sign, then 0x / 0o / 0b / 0 (octal) prefixes or decimal
const GO_INT = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** go-yaml's first-character dispatch: only these may resolve to something other than a string */
const numberFirstChars = ['+', '-', '.', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

function goInt(plain: string): number | undefined {
  const m = GO_INT.exec(plain);
  if (!m) return undefined;
  const digits = m[2];
  let n: bigint;
  if (/^0[oO]/.test(digits)) n = BigInt(`0o${digits.slice(2)}`);
  else if (/^0[0-7]+$/.test(digits)) n = BigInt(`0o${digits.slice(1)}`);
  else n = BigInt(digits); // decimal, 0x and 0b read as JavaScript reads them
  if (m[1] === '-') n = -n;
  if (n < INT64_MIN || n > UINT64_MAX) return undefined;
  return Number(n);
}

/** go-yaml v2's resolve() for an untagged plain scalar: null, bool, int, float, or undefined for a string. */
export function resolveKubectlScalar(source: string): null | boolean | number | undefined {
  if (NULLS.has(source)) return null;
  if (TRUE.has(source)) return true;
  if (FALSE.has(source)) return false;
  const special = NON_FINITE.get(source);
  if (special !== undefined) return special;
  const first = source.charAt(0);
  if (!numberFirstChars.includes(first)) return undefined;
  if (first === '.') {
    // strconv.ParseFloat on the text as it is (no underscores removed on this branch)
    if (!FLOAT.test(source)) return undefined;
    const f = Number(source);
    return Number.isFinite(f) ? f : undefined;
  }
  const plain = source.replace(/_/g, '');
  const int = goInt(plain);
  if (int !== undefined) return int;
  if (!FLOAT.test(plain)) return undefined;
  const f = Number(plain);
  // ParseFloat's range error (1e400) leaves the scalar a string
  return Number.isFinite(f) ? f : undefined;
}

const plain = (kind: 'null' | 'bool' | 'int' | 'float', firstChars: readonly string[] | null, test: (v: unknown) => boolean) =>
  defineScalarTag(`tag:yaml.org,2002:${kind}`, {
    implicit: true,
    implicitFirstChars: firstChars,
    resolve: (source: string) => {
      const v = resolveKubectlScalar(source);
      return v !== undefined && test(v) ? v : NOT_RESOLVED;
    },
    identify: (data: unknown) => test(data),
  });

/** Explicit tags only (never resolved from a plain scalar): what go-yaml v2 hands sigs.k8s.io/yaml for them. */
const explicitOnly = (kind: string, resolve: (source: string) => unknown) =>
  defineScalarTag(`tag:yaml.org,2002:${kind}`, { implicit: false, resolve, identify: () => false });

// !!binary: the decoded bytes, as a string; !!timestamp: the text as written (a string, not a Date)
const binary = explicitOnly('binary', (source) => {
  const b64 = source.replace(/\s+/g, '');
  return /^[A-Za-z0-9+/]*={0,2}$/.test(b64) && b64.length % 4 === 0 ? Buffer.from(b64, 'base64').toString('utf8') : NOT_RESOLVED;
});
const timestamp = explicitOnly('timestamp', (source) => source);

/** For manifests only; btls's own files (rules/, configs) are read with js-yaml's default YAML 1.2 schema. */
export const KUBECTL_YAML_SCHEMA = new Schema([
  ...FAILSAFE_SCHEMA.tags,
  plain('null', ['', '~', 'n', 'N'], (v) => v === null),
  plain('bool', ['y', 'Y', 'n', 'N', 't', 'T', 'f', 'F', 'o', 'O'], (v) => typeof v === 'boolean'),
  plain('int', numberFirstChars, (v) => typeof v === 'number' && Number.isInteger(v)),
  plain('float', numberFirstChars, (v) => typeof v === 'number'),
  binary,
  timestamp,
  mergeTag,
]);
