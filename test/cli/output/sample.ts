import type { CheckResult, ObjectRef } from '../../../src/cli/check/types.js';
import type { Output } from '../../../src/cli/output/index.js';

/** A small stream that keeps what was written. */
export function buffer() {
  let text = '';
  return { write: (s: string | Uint8Array) => ((text += String(s)), true), get text() { return text; } };
}

const bad: ObjectRef = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'BackendTLSPolicy', namespace: 'shop', name: 'cart<&>' };
const good: ObjectRef = { ...bad, name: 'ok' };

/** One denied policy (with a warning too), one clean policy, one context object and one unparsable input. */
export const results: CheckResult[] = [
  {
    type: 'object',
    source: { file: 'deploy/a.yaml', line: 1, column: 1 },
    object: bad,
    policy: true,
    findings: [
      {
        source: { file: 'deploy/a.yaml', line: 12, column: 5 },
        object: bad,
        rule: 'crd-subject-alt-names-max-items',
        field: 'spec.validation.subjectAltNames',
        message: 'Too many: 6: must have at most 5 items',
        severity: 'deny',
      },
      {
        source: { file: 'deploy/a.yaml', line: 14, column: 5 },
        object: bad,
        rule: 'well-known-ca-system',
        field: 'spec.validation.wellKnownCACertificates',
        message: 'Unsupported value: "Other": "only System is defined"',
        severity: 'warn',
      },
    ],
  },
  { type: 'object', source: { file: 'deploy/a.yaml', line: 20, column: 1 }, object: good, policy: true, findings: [] },
  {
    type: 'object',
    source: { file: 'deploy/a.yaml', line: 40, column: 1 },
    object: { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'cart' },
    policy: false,
    findings: [],
  },
  { type: 'error', error: { source: { file: 'deploy/b.yaml', line: 3, column: 7 }, message: 'YAML syntax error: unexpected end of the stream' } },
];

export function render(output: Output, list: CheckResult[] = results): void {
  for (const r of list) output.write(r);
  output.flush();
}
