import { findBoundsViolation } from '../../src/admission/limits.js';
import { scanJsonText } from '../../src/server/json.js';

const depthOnly = (maxDepth: number) => ({ maxDepth, maxValues: Infinity });

describe('JSON depth limits', () => {
  it.each([
    ['{}', 1, false],
    ['{"a":{}}', 1, true],
    ['[[[]]]', 3, false],
    ['[[[[]]]]', 3, true],
    ['{"s":"[[[[[[[[[["}', 1, false],
    ['{"s":"\\\\"}', 1, false],
    ['{"s":"\\"[[[[[["}', 1, false],
    ['{"s":"\\\\\\"[[[["}', 1, false],
  ])('the raw scan of %s with limit %d says %s, brackets in strings not counted', (text, max, exceeds) => {
    expect(scanJsonText(text, depthOnly(max)) === 'depth').toBe(exceeds);
    expect(findBoundsViolation(JSON.parse(text), { maxDepth: max, maxListItems: 100 })?.kind === 'depth').toBe(exceeds);
  });

  it('scans a million levels in a few ms', () => {
    const text = '['.repeat(1_000_000);
    const started = Date.now();
    expect(scanJsonText(text, depthOnly(64))).toBe('depth');
    expect(Date.now() - started).toBeLessThan(200);
  });
});

describe('JSON value counts', () => {
  it.each([
    ['[]', 1, undefined],
    ['[1]', 1, undefined],
    ['[1,2]', 1, 'values'],
    ['[{},{}]', 2, 'values'],
    ['{"a":1,"b":2}', 2, undefined],
    ['{"a":1,"b":2,"c":3}', 2, 'values'],
    ['{"s":",,,,[[{{"}', 1, undefined],
    ['{"s":"\\",,"}', 1, undefined],
  ])('the raw scan of %s with limit %d says %s, commas and brackets in strings not counted', (text, max, verdict) => {
    expect(scanJsonText(text, { maxDepth: 64, maxValues: max })).toBe(verdict);
  });

  it('stop a body of two million empty objects before it is parsed', () => {
    const text = `{"request":{"object":{"a":[${Array(2_000_000).fill('{}').join(',')}]}}}`;
    expect(scanJsonText(text, { maxDepth: 64, maxValues: 100_000 })).toBe('values');
  });
});

describe('prototype keys', () => {
  const bounds = { maxDepth: 64, maxListItems: 100 };
  it.each([
    ['{"__proto__":{"polluted":true}}'],
    ['{"a":[{"b":{"\\u005f_proto__":{}}}]}'],
    ['{"request":{"constructor":{"prototype":{"polluted":true}}}}'],
  ])('are found anywhere in the parsed body: %s', (text) => {
    expect(findBoundsViolation(JSON.parse(text), bounds)).toEqual({ kind: 'prototype-key' });
  });

  it('leave a plain "constructor" key alone, as secure-json-parse does', () => {
    expect(findBoundsViolation(JSON.parse('{"constructor":"x","c":{"constructor":{"name":"y"}}}'), bounds)).toBeUndefined();
  });
});

describe('list bounds', () => {
  it('finds the first list over the limit, with a path relative to the object under review', () => {
    const body = { request: { object: { spec: { targetRefs: [{}, {}, {}] } } } };
    expect(findBoundsViolation(body, { maxDepth: 64, maxListItems: 2 })).toEqual({ kind: 'list', path: 'spec.targetRefs', length: 3 });
    const old = { request: { oldObject: { spec: { a: [[1, 2, 3]] } } } };
    expect(findBoundsViolation(old, { maxDepth: 64, maxListItems: 2 })).toEqual({ kind: 'list', path: 'spec.a[0]', length: 3 });
  });

  it('names lists outside the objects from the body root, and passes short lists', () => {
    const body = { request: { userInfo: { groups: ['a', 'b', 'c'] }, object: { spec: {} } } };
    expect(findBoundsViolation(body, { maxDepth: 64, maxListItems: 2 })).toEqual({ kind: 'list', path: 'request.userInfo.groups', length: 3 });
    expect(findBoundsViolation(body, { maxDepth: 64, maxListItems: 3 })).toBeUndefined();
  });

  it('names a list that is the body, or the object under review, <root>', () => {
    expect(findBoundsViolation([1, 2, 3], { maxDepth: 64, maxListItems: 2 })).toEqual({ kind: 'list', path: '<root>', length: 3 });
    expect(findBoundsViolation({ request: { object: [1, 2, 3] } }, { maxDepth: 64, maxListItems: 2 })).toEqual({ kind: 'list', path: '<root>', length: 3 });
  });

  it('reports the first oversized list in document order, with its index path', () => {
    const body = { request: { object: { spec: { a: [{ b: [1, 2, 3] }], c: [1, 2, 3, 4] } } } };
    expect(findBoundsViolation(body, { maxDepth: 64, maxListItems: 2 })).toEqual({ kind: 'list', path: 'spec.a[0].b', length: 3 });
  });

  it('finds a prototype key in a list of the old object', () => {
    expect(findBoundsViolation(JSON.parse('{"request":{"oldObject":{"spec":{"a":[1,{"__proto__":{}}]}}}}'), { maxDepth: 64, maxListItems: 100 })).toEqual({ kind: 'prototype-key' });
  });
});
