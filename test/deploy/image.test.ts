/**
 * The container image, built and started without a Docker engine: scripts/dockerfile-dry-run.mjs runs the
 * Dockerfile's steps in folders (a clean `npm ci` from the lock file, the build, the prune to production
 * dependencies, the runtime stage's copies) and starts its ENTRYPOINT as the image's user. Catches a build
 * step that cannot run, and a package the shipped code imports that the pruned image does not have.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error a plain ESM script, no type declarations
import { commandOf, dryRun } from '../../scripts/dockerfile-dry-run.mjs';
import { badPolicy, call, goodPolicy, makePki } from '../server/helpers.js';

interface Stage {
  root: string;
  workdir: string;
  env: Record<string, string>;
  user?: string;
}

let root: string;
let image: Stage;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'btls-image-test-'));
  chmodSync(root, 0o755);
  image = dryRun({ root }) as Stage;
}, 240_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(args: string[], input?: string) {
  const { command, args: rest } = commandOf(image, args) as { command: string; args: string[] };
  return spawnSync(command, rest, { cwd: join(image.root, image.workdir), input, encoding: 'utf8', env: { PATH: process.env.PATH, ...image.env } });
}

it('runs as the non-root user of the Dockerfile, and shows the usage by default', () => {
  expect(image.user).toBe('65532:65532');
  const r = run([]);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('serve [options]');
});

it('checks policies with the production dependencies only (the CEL parser included)', () => {
  const bad = run(['check', '-o', 'json', '-'], JSON.stringify(badPolicy()));
  expect(bad.stderr).not.toContain('Cannot find package');
  expect(bad.status).toBe(1);
  expect(JSON.parse(bad.stdout).findings.map((f: { rule: string }) => f.rule)).toContain('hostname-not-ip');
  expect(run(['check', '-'], JSON.stringify(goodPolicy())).status).toBe(0);
});

it('serves the webhook from the image', async () => {
  const pki = makePki();
  // the image's user reads the mounted pair (in a pod: the Secret volume's mode and the pod's fsGroup)
  chmodSync(pki.dir, 0o755);
  chmodSync(pki.keyFile, 0o644);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const { command, args } = commandOf(image, ['serve', '--host', '127.0.0.1', '--port', String(port), '--tls-cert', pki.certFile, '--tls-key', pki.keyFile]) as {
    command: string;
    args: string[];
  };
  const child = spawn(command, args, { cwd: join(image.root, image.workdir), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  try {
    let ready: number | undefined;
    for (let i = 0; i < 100 && ready !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ready = await call(`https://127.0.0.1:${port}/readyz`, { ca: pki.caPem }).then((r) => r.status, () => undefined);
    }
    expect({ ready, output: ready === 200 ? '' : output }).toEqual({ ready: 200, output: '' });
  } finally {
    child.kill('SIGTERM');
  }
}, 30_000);
