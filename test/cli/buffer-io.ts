/** An Io whose stdout and stderr are kept in memory, for tests that run commands in-process. */
import { PassThrough } from 'node:stream';
import type { Io } from '../../src/cli/io.js';

export function bufferIo(cwd = process.cwd()): Io & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  return { stdout, stderr, stdin: new PassThrough(), env: {}, cwd, out: () => out, err: () => err };
}

/** An Io whose writes land in strings synchronously (no stream events to wait for). */
export function captureIo(): { io: Io; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const io: Io = {
    stdout: { write: (s: string) => ((out += s), true) } as unknown as Io['stdout'],
    stderr: { write: (s: string) => ((err += s), true) } as unknown as Io['stderr'],
    stdin: new PassThrough(),
    env: {},
    cwd: process.cwd(),
  };
  return { io, out: () => out, err: () => err };
}
