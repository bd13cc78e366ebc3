import { jsonDepthExceeds, valueDepthExceeds } from '../../src/server/json.js';

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
    expect(jsonDepthExceeds(text, max)).toBe(exceeds);
    expect(valueDepthExceeds(JSON.parse(text), max)).toBe(exceeds);
  });

  it('scans a million levels in a few ms', () => {
    const text = '['.repeat(1_000_000);
    const started = Date.now();
    expect(jsonDepthExceeds(text, 64)).toBe(true);
    expect(Date.now() - started).toBeLessThan(200);
  });
});
