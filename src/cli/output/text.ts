import type { SourcePosition } from '../../manifests/types.js';
import { Tally, formatSummary } from '../check/summary.js';
import type { CheckResult } from '../check/types.js';
import type { Output, OutputOptions, OutputStream } from './index.js';

const ansi = { bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', yellow: '\x1b[33m', reset: '\x1b[0m' };

/** `file:line:col`, or just `file` when the input could not be read at all (no line to point at). */
export function formatPosition(s: SourcePosition): string {
  return s.line > 0 ? `${s.file}:${s.line}:${s.column}` : s.file;
}

/**
 * Compiler-style lines, streamed as results arrive:
 * `file:line:col: deny|warn: field: message [rule]` and `file:line:col: error: message`, then a summary line
 * (always when something was reported; with --summary also on a clean run).
 */
export function create(stream: OutputStream, opts: OutputOptions = {}): Output {
  const tally = new Tally();
  const paint = (code: string, s: string) => (opts.color ? `${code}${s}${ansi.reset}` : s);
  let lines = '';
  const emit = (line: string) => {
    lines += line + '\n';
    if (lines.length > 65536) {
      stream.write(lines);
      lines = '';
    }
  };
  return {
    write(result: CheckResult) {
      tally.add(result);
      if (result.type === 'error') {
        emit(`${paint(ansi.bold, formatPosition(result.error.source) + ':')} ${paint(ansi.red, 'error:')} ${result.error.message}`);
        return;
      }
      for (const f of result.findings) {
        const severity = paint(f.severity === 'deny' ? ansi.red : ansi.yellow, `${f.severity}:`);
        emit(`${paint(ansi.bold, formatPosition(f.source) + ':')} ${severity} ${f.field}: ${f.message} ${paint(ansi.dim, `[${f.rule}]`)}`);
      }
    },
    flush() {
      const s = tally.summary;
      if (opts.summary || s.denied + s.warnings + s.errors > 0) emit(`Summary: ${formatSummary(s)}`);
      if (lines) stream.write(lines);
      lines = '';
    },
  };
}
