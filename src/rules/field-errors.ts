import type { Finding, Severity } from './types.js';

/**
 * Kubernetes' field error strings (k8s.io/apimachinery/pkg/util/validation/field), rebuilt byte for byte:
 * `field: Type: value: detail`. Values print the way Go's %v / %q print the decoded JSON value.
 */

/** Go's strconv.Quote: printable runes stay, `"` and `\` are escaped, the rest become \a \n \x00 \u.... */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    // a lone surrogate: Go's JSON decoder already made it U+FFFD, which %q prints as is
    else if (c >= 0xd800 && c <= 0xdfff) out += '\ufffd';
    else if (!isPrintable(ch, c)) out += c > 0xffff ? '\\U' + c.toString(16).padStart(8, '0') : '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

const nonPrintable = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
function isPrintable(ch: string, c: number): boolean {
  return c === 0x20 || !nonPrintable.test(ch);
}

/** How Go's %v prints a JSON number decoded as int64 or float64. */
export function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return String(n);
  // %v of float64 is %g: exponent form from 1e21 up and below 1e-4
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(n);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Whether Go decodes this JSON number as an int64 (the apiserver's decoder tries strconv.ParseInt on the number's
 * text first, then float64). The text is gone here: it is taken to be the number's shortest form, String(n), which
 * is what JSON.stringify writes and what Go writes when it re-encodes a float64. So 9007199254740994 (2^53 + 2) is
 * an int64, 12345678901234567890 and 1e21 are not; at the very edge (2^63) the text decides, and the shortest form
 * "9223372036854775808" is not an int64.
 */
export function isGoInt64(n: number): boolean {
  if (Number.isSafeInteger(n)) return true;
  if (!Number.isInteger(n)) return false;
  const text = String(n);
  if (!/^-?\d+$/.test(text)) return false;
  const b = BigInt(text);
  return b >= INT64_MIN && b <= INT64_MAX;
}

/** The JSON type names kube-openapi reports for decoded values. */
export function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  // Go decodes a JSON number as int64 when it is one (2^53 + 2 too), as float64 otherwise (12345678901234567890, 1e300)
  if (typeof v === 'number') return isGoInt64(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** Go's %#v of a decoded JSON value: `map[string]interface {}{"a":1}`, `[]interface {}{"x"}` (map keys sorted). */
export function goSharpV(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSharpV).join(', ')}}`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[string]interface {}{${Object.keys(o).sort().map((k) => `${goQuote(k)}:${goSharpV(o[k])}`).join(', ')}}`;
  }
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  return String(v);
}

/** `Invalid value: <v>` where v is printed like Go prints an interface{} holding the decoded JSON. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  return goSharpV(v);
}

export interface FieldErrorInput {
  rule: string;
  field: string;
  severity?: Severity;
}

const make = (i: FieldErrorInput, reason: string, message: string): Finding => ({
  rule: i.rule,
  field: i.field,
  message,
  severity: i.severity ?? 'deny',
  reason,
});

export const fieldError = {
  required: (i: FieldErrorInput, detail = '') => make(i, 'FieldValueRequired', detail ? `Required value: ${detail}` : 'Required value'),
  invalid: (i: FieldErrorInput, value: unknown, detail: string) =>
    make(i, 'FieldValueInvalid', `Invalid value: ${formatValue(value)}${detail ? `: ${detail}` : ''}`),
  /** a rule that prints a ready-made value, e.g. `"object"` for CEL rules on objects */
  invalidRaw: (i: FieldErrorInput, printed: string, detail: string) => make(i, 'FieldValueInvalid', `Invalid value: ${printed}${detail ? `: ${detail}` : ''}`),
  typeInvalid: (i: FieldErrorInput, value: unknown, detail: string) =>
    make(i, 'FieldValueTypeInvalid', `Invalid value: ${formatValue(value)}: ${detail}`),
  notSupported: (i: FieldErrorInput, value: unknown, supported: string[]) =>
    make(i, 'FieldValueNotSupported', `Unsupported value: ${formatValue(value)}${supported.length ? `: supported values: ${supported.map(goQuote).join(', ')}` : ''}`),
  tooLong: (i: FieldErrorInput, max: number) => make(i, 'FieldValueTooLong', `Too long: may not be more than ${max} bytes`),
  tooMany: (i: FieldErrorInput, actual: number, max: number) => make(i, 'FieldValueTooMany', `Too many: ${actual}: must have at most ${max} items`),
  forbidden: (i: FieldErrorInput, detail: string) => make(i, 'FieldValueForbidden', `Forbidden: ${detail}`),
  /** field.Duplicate prints the value only, no detail */
  duplicate: (i: FieldErrorInput, printed: string) => make(i, 'FieldValueDuplicate', `Duplicate value: ${printed}`),
};

/** Error types after which kube-apiserver does not run a CRD's CEL rules (customresource/strategy.go). */
export const blockingReasons = new Set(['FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueTypeInvalid']);
