import { readFileSync } from 'node:fs';
import { rfc3339Error, rfc3339ErrorByWalk } from '../../src/rules/schema/go-time.js';

// what Go's time.Parse(time.RFC3339, s) said of each value: scripts/go-time-truth/
const table = readFileSync(new URL('../fixtures/go-rfc3339.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.includes('\t'))
  .map((line) => ({ value: line.slice(0, line.indexOf('\t')), go: line.slice(line.indexOf('\t') + 1) }));

describe('timestamps are parsed as metav1.Time parses them (Go time.Parse, RFC 3339)', () => {
  it('has the truth table', () => expect(table.length).toBeGreaterThan(40));

  it.each(table)('$value: $go', ({ value, go }) => {
    expect(rfc3339Error(value) ?? 'ok').toBe(go);
  });
});

describe('the shortcut for the plain form', () => {
  it.each(table)('agrees with the walk on $value', ({ value }) => {
    expect(rfc3339Error(value)).toBe(rfc3339ErrorByWalk(value));
  });

  it('agrees with the walk on every field at and past its range (seeded sample)', () => {
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const two = (max: number) => String(rand(max)).padStart(2, '0');
    const zones = ['Z', '+00:00', '-23:59', '+24:00', '+25:00', '+01:60', '+01:61', '-99:99'];
    let checked = 0;
    for (let i = 0; i < 20_000; i++) {
      const year = String(rand(10_000)).padStart(4, '0');
      const fraction = ['', '.5', ',123456789', '.0000000001'][rand(4)];
      const value = `${year}-${two(14)}-${two(33)}T${two(26)}:${two(62)}:${two(62)}${fraction}${zones[rand(zones.length)]}`;
      expect([value, rfc3339Error(value)]).toEqual([value, rfc3339ErrorByWalk(value)]);
      checked++;
    }
    expect(checked).toBe(20_000);
  });
});
