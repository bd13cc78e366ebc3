/** Shared by the tests of the commands that run the status writer (controller, serve --status-writer). */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { bufferIo } from './buffer-io.js';

export { bufferIo };


/** A port nothing listens on. */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A kubeconfig whose API server does not answer: the writer starts, but never syncs. */
export async function unreachableKubeconfig(dir: string): Promise<string> {
  const file = join(dir, 'kubeconfig');
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:${await closedPort()}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
  );
  return file;
}
