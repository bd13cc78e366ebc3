// Helpers for e2e tests that run the btls CLI itself (bin/btls, built into dist/ by `npm run build`).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot, type ExecResult } from './cluster.js';

export const btlsBin = join(repoRoot, 'bin', 'btls');

/** Run `bin/btls ARGS` with the current node; never throws for a non-zero exit. */
export function btls(args: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [btlsBin, ...args], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.stdin ?? '');
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface Served {
  child: ChildProcess;
  /** everything the process wrote to stderr so far */
  stderr(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone */
  stop(): Promise<void>;
}

/** Start `btls serve ARGS` and wait for its "btls webhook serving" line (or fail with its output). */
export function startServe(args: string[], timeoutMs = 20_000): Promise<Served> {
  const child = spawn(process.execPath, [btlsBin, 'serve', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  child.stdout?.on('data', () => {}); // pino logs: drain
  const served: Served = {
    child,
    stderr: () => err,
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(t);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void served.stop();
      reject(new Error(`btls serve did not start within ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.stderr?.on('data', (b: Buffer) => {
      err += b.toString('utf8');
      if (/btls webhook serving /.test(err)) {
        clearTimeout(timer);
        resolve(served);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`btls serve exited with ${code}: ${err}`));
    });
  });
}
