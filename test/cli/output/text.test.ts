import { create } from '../../../src/cli/output/text.js';
import type { ObjectResult } from '../../../src/cli/check/types.js';
import { buffer, render, results } from './sample.js';

describe('text output', () => {
  it('prints one line per finding and error, then a summary line', () => {
    const out = buffer();
    render(create(out));
    expect(out.text).toBe(
      'deploy/a.yaml:12:5: deny: spec.validation.subjectAltNames: Too many: 6: must have at most 5 items [crd-subject-alt-names-max-items]\n' +
        'deploy/a.yaml:14:5: warn: spec.validation.wellKnownCACertificates: Unsupported value: "Other": "only System is defined" [well-known-ca-system]\n' +
        'deploy/b.yaml:3:7: error: YAML syntax error: unexpected end of the stream\n' +
        'Summary: 3 objects, 2 policies: 1 denied, 1 warning, 1 error\n',
    );
  });

  it('colours severities only when asked to', () => {
    const out = buffer();
    render(create(out, { color: true }), [results[0]]);
    expect(out.text.split('\n')[0]).toBe(
      '\x1b[1mdeploy/a.yaml:12:5:\x1b[0m \x1b[31mdeny:\x1b[0m spec.validation.subjectAltNames: Too many: 6: must have at most 5 items \x1b[2m[crd-subject-alt-names-max-items]\x1b[0m',
    );
  });

  it('is silent on a clean run unless --summary is given', () => {
    const quiet = buffer();
    render(create(quiet), [results[1]]);
    expect(quiet.text).toBe('');
    const loud = buffer();
    render(create(loud, { summary: true }), [results[1]]);
    expect(loud.text).toBe('Summary: 1 object, 1 policy: 0 denied, 0 warnings, 0 errors\n');
  });

  it('prints an unreadable path without a line', () => {
    const out = buffer();
    render(create(out), [{ type: 'error', error: { source: { file: 'nope.yaml', line: 0, column: 0 }, message: 'cannot read: no such file or directory' } }]);
    expect(out.text).toBe('nope.yaml: error: cannot read: no such file or directory\nSummary: 0 objects, 0 policies: 0 denied, 0 warnings, 1 error\n');
  });
});

describe('text output, what a terminal and a CI log show', () => {
  it('colours warnings yellow and input errors red', () => {
    const out = buffer();
    render(create(out, { color: true }), [results[0], results[3]]);
    const lines = out.text.split('\n');
    expect(lines[1]).toContain('\x1b[33mwarn:\x1b[0m');
    expect(lines[2]).toBe('\x1b[1mdeploy/b.yaml:3:7:\x1b[0m \x1b[31merror:\x1b[0m YAML syntax error: unexpected end of the stream');
  });

  it('streams a long report as it goes, each line exactly once and in order', () => {
    const writes: string[] = [];
    const output = create({ write: (s: string | Uint8Array) => (writes.push(String(s)), true) });
    const first = results[0] as ObjectResult;
    const many: ObjectResult[] = Array.from({ length: 2000 }, (_, i) => ({
      ...first,
      findings: [{ ...first.findings[0], source: { file: 'big.yaml', line: i + 1, column: 5 } }],
    }));
    for (const r of many) output.write(r);
    expect(writes.length).toBeGreaterThan(0); // written before flush: `btls check | head` sees the first lines early
    output.flush();
    const lines = writes.join('').split('\n');
    expect(lines).toHaveLength(2002);
    expect(lines.slice(0, 2000).map((l) => Number(l.split(':')[1]))).toEqual(many.map((_, i) => i + 1));
    expect(lines[2000]).toBe('Summary: 2000 objects, 2000 policies: 2000 denied, 0 warnings, 0 errors');
  });
});
