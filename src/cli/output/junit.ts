import type { CheckResult, ObjectResult } from '../check/types.js';
import type { InputError } from '../../manifests/types.js';
import type { Output, OutputOptions, OutputStream } from './index.js';
import { formatPosition } from './text.js';

// characters XML 1.0 does not allow at all (even escaped)
const invalidXml = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(s: string): string {
  return s
    .replace(invalidXml, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Attribute values also keep their line breaks and tabs (a parser would normalise them to spaces). */
function attr(s: string): string {
  return escapeXml(s).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

interface Suite {
  file: string;
  policies: ObjectResult[];
  errors: InputError[];
}

function policyName(r: ObjectResult): string {
  return `${r.object.kind} ${r.object.namespace}/${r.object.name}`;
}

/**
 * JUnit XML for CI test reports: a testsuite per file, a testcase per BackendTLSPolicy, a `<failure>` per deny
 * finding, warnings in the testcase's `<system-out>`, and a testcase with an `<error>` per input that could not
 * be read or parsed. `failures` counts failed testcases. Buffered; written on flush.
 */
export function create(stream: OutputStream, _opts: OutputOptions = {}): Output {
  const suites = new Map<string, Suite>();
  const suite = (file: string): Suite => {
    let s = suites.get(file);
    if (!s) suites.set(file, (s = { file, policies: [], errors: [] }));
    return s;
  };
  return {
    write(result: CheckResult) {
      if (result.type === 'error') suite(result.error.source.file).errors.push(result.error);
      else if (result.policy) suite(result.source.file).policies.push(result);
    },
    flush() {
      const out: string[] = [];
      let tests = 0;
      let failures = 0;
      let errors = 0;
      for (const s of suites.values()) {
        const failed = s.policies.filter((p) => p.findings.some((f) => f.severity === 'deny')).length;
        const count = s.policies.length + s.errors.length;
        tests += count;
        failures += failed;
        errors += s.errors.length;
        out.push(`  <testsuite name="${attr(s.file)}" tests="${count}" failures="${failed}" errors="${s.errors.length}">`);
        for (const p of s.policies) {
          const head = `    <testcase classname="${attr(s.file)}" name="${attr(policyName(p))}"`;
          if (p.findings.length === 0) {
            out.push(`${head}/>`);
            continue;
          }
          out.push(`${head}>`);
          const warnings: string[] = [];
          for (const f of p.findings) {
            const line = `${formatPosition(f.source)}: ${f.severity}: ${f.field}: ${f.message} [${f.rule}]`;
            if (f.severity === 'deny') {
              out.push(`      <failure message="${attr(`${f.field}: ${f.message}`)}" type="${attr(f.rule)}">${escapeXml(line)}</failure>`);
            } else {
              warnings.push(line);
            }
          }
          if (warnings.length > 0) out.push(`      <system-out>${escapeXml(warnings.join('\n'))}</system-out>`);
          out.push('    </testcase>');
        }
        for (const e of s.errors) {
          out.push(`    <testcase classname="${attr(s.file)}" name="${attr(formatPosition(e.source))}">`);
          out.push(`      <error message="${attr(e.message)}" type="input">${escapeXml(`${formatPosition(e.source)}: error: ${e.message}`)}</error>`);
          out.push('    </testcase>');
        }
        out.push('  </testsuite>');
      }
      stream.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
          `<testsuites name="btls check" tests="${tests}" failures="${failures}" errors="${errors}">\n` +
          out.map((l) => l + '\n').join('') +
          '</testsuites>\n',
      );
    },
  };
}
