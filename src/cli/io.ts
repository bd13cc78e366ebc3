/** The CLI's only contact with the process: injected so that commands can be tested with buffers. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

/** Exit codes shared by every command (kubeconform's split: a broken rule is not a failed run). */
export const ExitCode = { ok: 0, denied: 1, error: 2 } as const;
