import { readFileSync } from 'node:fs';
import { rfc3339Error } from '../../src/rules/schema/go-time.js';

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
