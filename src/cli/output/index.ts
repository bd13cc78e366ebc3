import type { CheckResult } from '../check/types.js';
import { create as text } from './text.js';
import { create as json } from './json.js';
import { create as junit } from './junit.js';
import { create as sarif } from './sarif.js';

/** An output format: `write` gets every result in input order, `flush` ends the report. */
export interface Output {
  write(result: CheckResult): void;
  flush(): void;
}

export interface OutputOptions {
  /** ANSI colour (text only); the command enables it only on a TTY without --no-color */
  color?: boolean;
  /** print the summary line even when there is nothing to report (text only) */
  summary?: boolean;
  /** tool version, reported by formats that carry one (sarif) */
  version?: string;
}

export type OutputStream = Pick<NodeJS.WritableStream, 'write'>;

export type OutputFactory = (stream: OutputStream, opts?: OutputOptions) => Output;

/** A new format is one file, one test and one entry here. */
export const outputs: Readonly<Record<string, OutputFactory>> = { text, json, junit, sarif };

export const outputNames = Object.keys(outputs);

export class UnknownOutputError extends Error {
  constructor(name: string) {
    super(`unknown output format "${name}": use one of ${outputNames.join(', ')}`);
    this.name = 'UnknownOutputError';
  }
}

export function createOutput(name: string, stream: OutputStream, opts: OutputOptions = {}): Output {
  const factory = Object.hasOwn(outputs, name) ? outputs[name] : undefined;
  if (!factory) throw new UnknownOutputError(name);
  return factory(stream, opts);
}
