import { create, escapeXml } from '../../../src/cli/output/junit.js';
import type { CheckFinding, CheckResult, ObjectRef } from '../../../src/cli/check/types.js';
import { buffer, render } from './sample.js';

// What Jenkins and GitLab rely on: well-formed XML whatever the messages hold, and failures that count only
// denied policies (a warning must never turn a test red).

const ref: ObjectRef = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'BackendTLSPolicy', namespace: 'ns', name: 'p' };

function finding(severity: 'deny' | 'warn', line: number, message = `m${line}`): CheckFinding {
  return { source: { file: 'a.yaml', line, column: 3 }, object: ref, rule: `r${line}`, field: `f${line}`, message, severity };
}

function policy(findings: CheckFinding[], name = 'p'): CheckResult {
  return { type: 'object', source: { file: 'a.yaml', line: 1, column: 1 }, object: { ...ref, name }, policy: true, findings };
}

function junit(list: CheckResult[]): string {
  const out = buffer();
  render(create(out), list);
  return out.text;
}

describe('junit output for CI parsers', () => {
  it('passes a policy with warnings only: the warnings are its system-out, one per line, and no failure is counted', () => {
    const xml = junit([policy([finding('warn', 4), finding('warn', 6)])]);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<testsuites name="btls check" tests="1" failures="0" errors="0">\n' +
        '  <testsuite name="a.yaml" tests="1" failures="0" errors="0">\n' +
        '    <testcase classname="a.yaml" name="BackendTLSPolicy ns/p">\n' +
        '      <system-out>a.yaml:4:3: warn: f4: m4 [r4]\na.yaml:6:3: warn: f6: m6 [r6]</system-out>\n' +
        '    </testcase>\n' +
        '  </testsuite>\n' +
        '</testsuites>\n',
    );
  });

  it('writes no empty system-out for a policy with denials only, and one failure per denial', () => {
    const xml = junit([policy([finding('deny', 4), finding('deny', 6)])]);
    expect(xml).not.toContain('system-out');
    expect(xml.match(/<failure /g)).toHaveLength(2);
    expect(xml).toContain('<testsuites name="btls check" tests="1" failures="1" errors="0">');
  });

  it('keeps line breaks and tabs of a message in the failure attribute as character references', () => {
    const xml = junit([policy([finding('deny', 4, 'one\ntwo\r\tthree')])]);
    expect(xml).toContain('<failure message="f4: one&#10;two&#13;&#9;three" type="r4">');
    expect(xml).toContain('>a.yaml:4:3: deny: f4: one\ntwo');
  });

  it('keeps characters outside the BMP and replaces the non-characters U+FFFE and U+FFFF', () => {
    expect(escapeXml('ok \u{1F512} \uFFFE\uFFFF \uD800')).toBe('ok \u{1F512} \uFFFD\uFFFD \uFFFD');
  });
});
