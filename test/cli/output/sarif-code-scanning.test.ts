import { artifactUri, create } from '../../../src/cli/output/sarif.js';
import type { CheckFinding, CheckResult, ObjectRef } from '../../../src/cli/check/types.js';
import { buffer, render } from './sample.js';

// What GitHub code scanning checks on upload: ruleIndex points into rules[], regions are 1-based, uris relative.

const ref: ObjectRef = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'BackendTLSPolicy', namespace: 'ns', name: 'p' };

function finding(rule: string, line: number, column = 3): CheckFinding {
  return { source: { file: 'a.yaml', line, column }, object: ref, rule, field: 'spec', message: 'm', severity: 'deny' };
}

function sarif(list: CheckResult[]) {
  const out = buffer();
  render(create(out, { version: '0.0.0' }), list);
  return JSON.parse(out.text).runs[0];
}

describe('sarif output for code scanning', () => {
  it('lists each rule once, and every result\'s ruleIndex names its own rule', () => {
    const run = sarif([
      { type: 'object', source: { file: 'a.yaml', line: 1, column: 1 }, object: ref, policy: true, findings: [finding('a', 2), finding('b', 3), finding('a', 4)] },
    ]);
    expect(run.tool.driver.rules).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(run.results.map((r: { ruleId: string; ruleIndex: number }) => [r.ruleId, r.ruleIndex])).toEqual([['a', 0], ['b', 1], ['a', 0]]);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
  });

  it('gives no region to an input without a line, and never a column below 1', () => {
    const run = sarif([
      { type: 'object', source: { file: 'a.yaml', line: 1, column: 1 }, object: ref, policy: true, findings: [finding('a', 7, 0)] },
      { type: 'error', error: { source: { file: 'nope.yaml', line: 0, column: 0 }, message: 'cannot read: no such file or directory' } },
    ]);
    expect(run.results[0].locations[0].physicalLocation.region).toEqual({ startLine: 7, startColumn: 1 });
    expect(run.invocations[0].toolExecutionNotifications[0].locations).toEqual([{ physicalLocation: { artifactLocation: { uri: 'nope.yaml' } } }]);
    expect(run.invocations[0].executionSuccessful).toBe(false);
  });

  it('writes Windows separators as / in artifact URIs', () => {
    expect(artifactUri('deploy\\my app\\a.yaml')).toBe('deploy/my%20app/a.yaml');
  });
});
