import { fieldError, formatValue, goQuote, jsonType } from '../../src/rules/field-errors.js';
import { applyMutations, pointerKeys } from '../../src/rules/patch.js';

// The strings below are what Go prints (strconv.Quote, %v / %#v of a decoded JSON value, field.Error).
describe('Go value printing', () => {
  it.each([
    ['DEL', '\x7f', '"\\x7f"'],
    ['a lone surrogate (U+FFFD after Go decodes it)', 'a\ud800b', '"a\ufffdb"'],
    ['a non-printable rune above U+FFFF', '\u{e0001}', '"\\U000e0001"'],
    ['a non-printable rune in the BMP', '\u00ad', '"\\u00ad"'],
  ])('quotes %s as strconv.Quote does', (_name, s, want) => {
    expect(goQuote(s)).toBe(want);
  });

  it.each([
    [1e-5, '1e-05'],
    [5e-5, '5e-05'],
    [0.0001, '0.0001'],
    [1.5, '1.5'],
  ])('prints the float %p as %%v does', (n, want) => {
    expect(formatValue(n)).toBe(want);
  });

  it('takes integral numbers as int64 up to 2^63, as Go decodes them, and larger ones as floats', () => {
    expect(jsonType(2 ** 53 - 1)).toBe('integer');
    expect(jsonType(2 ** 53)).toBe('integer');
    expect(jsonType(2 ** 63)).toBe('number');
    expect(jsonType(1.5)).toBe('number');
  });

  it('prints maps with their keys sorted, as %#v does', () => {
    expect(formatValue({ b: 1, a: 'x' })).toBe('map[string]interface {}{"a":"x", "b":1}');
  });
});

describe('field errors', () => {
  const at = { rule: 'r', field: 'spec.x' };
  it('adds the detail of a Required value', () => {
    expect(fieldError.required(at, 'must be set').message).toBe('Required value: must be set');
    expect(fieldError.required(at).message).toBe('Required value');
  });

  it('lists supported values only when there are some', () => {
    expect(fieldError.notSupported(at, 'x', []).message).toBe('Unsupported value: "x"');
    expect(fieldError.notSupported(at, 'x', ['a', 'b']).message).toBe('Unsupported value: "x": supported values: "a", "b"');
  });
});

describe('JSON pointers', () => {
  it('unescapes ~1 and ~0 and reads only all-digit keys as list indexes', () => {
    expect(pointerKeys('/spec/options/example.com~1k~0x/0/v1')).toEqual(['spec', 'options', 'example.com/k~x', 0, 'v1']);
  });

  it('applies add and replace, and refuses other operations', () => {
    const object = { apiVersion: 'v1', kind: 'K', spec: { a: 1 } };
    expect(applyMutations(object, [{ op: 'replace', path: '/spec/a', value: 2 }, { op: 'add', path: '/spec/b', value: '' }])).toEqual({ ...object, spec: { a: 2, b: '' } });
    expect(() => applyMutations(object, [{ op: 'remove', path: '/spec/a' } as never])).toThrow("cannot apply a 'remove' operation");
  });
});
