import { Tally } from '../check/summary.js';
import type { CheckFinding, CheckResult } from '../check/types.js';
import type { InputError } from '../../manifests/types.js';
import type { Output, OutputOptions, OutputStream } from './index.js';

/**
 * The JSON contract, emitted in one piece on flush:
 * `{"findings":[{source,object,rule,field,message,severity}],"errors":[{source,message}],"summary":{...}}`.
 * Keys are written in that order so that the output is stable for diffs.
 */
export function create(stream: OutputStream, _opts: OutputOptions = {}): Output {
  const tally = new Tally();
  const findings: CheckFinding[] = [];
  const errors: InputError[] = [];
  return {
    write(result: CheckResult) {
      tally.add(result);
      if (result.type === 'error') {
        const { source, message } = result.error;
        errors.push({ source: { file: source.file, line: source.line, column: source.column }, message });
        return;
      }
      for (const f of result.findings) {
        findings.push({
          source: { file: f.source.file, line: f.source.line, column: f.source.column },
          object: { apiVersion: f.object.apiVersion, kind: f.object.kind, namespace: f.object.namespace, name: f.object.name },
          rule: f.rule,
          field: f.field,
          message: f.message,
          severity: f.severity,
        });
      }
    },
    flush() {
      stream.write(JSON.stringify({ findings, errors, summary: tally.summary }, null, 2) + '\n');
    },
  };
}
