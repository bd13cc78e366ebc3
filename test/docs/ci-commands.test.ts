import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';

/**
 * The CI commands the docs give users, and the pre-commit hooks, run as written (with bin/btls for the
 * installed btls) on fixtures, so that a documented command that stops working fails here first.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const btls = join(root, 'bin', 'btls');
const fixtures = join(root, 'test', 'fixtures', 'check');

function sh(command: string, cwd: string) {
  return spawnSync('bash', ['-c', command], { cwd, encoding: 'utf8', env: { ...process.env, PATH: `${join(root, 'bin')}:${process.env.PATH}` } });
}

/** a work tree like a user's repository: the manifests under manifests/ */
function workTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'btls-ci-'));
  cpSync(join(fixtures, 'valid'), join(dir, 'manifests'), { recursive: true });
  return dir;
}

const docs = readFileSync(join(root, 'docs', 'check.md'), 'utf8');
// `run:` lines of the workflow snippets that call btls
const runs = [...docs.matchAll(/^\s*- run: (\.btls\/bin\/btls [^\n]+)$/gm)].map((m) => m[1]);

describe('documented CI commands', () => {
  it('the docs give SARIF and JUnit commands', () => {
    expect(runs.some((r) => r.includes('-o sarif'))).toBe(true);
    expect(runs.some((r) => r.includes('-o junit'))).toBe(true);
  });

  it.each(runs.map((r) => [r]))('%s', (command) => {
    const dir = workTree();
    const r = sh(command.replace(/\.btls\/bin\/btls/g, btls), dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const file = /> (\S+)/.exec(command)?.[1];
    if (!file) return;
    const written = readFileSync(join(dir, file), 'utf8');
    if (command.includes('sarif')) {
      const sarif = JSON.parse(written);
      expect(sarif.version).toBe('2.1.0');
      expect(sarif.runs[0].tool.driver.name).toBe('btls');
    } else {
      expect(written).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    }
  });
});

describe('.pre-commit-hooks.yaml', () => {
  const hooks = load(readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{ id: string; entry: string; files: string }>;

  it.each(hooks.map((h) => [h.id, h]))('%s runs its entry on the staged files and fails on a bad one', (_id, hook) => {
    const dir = workTree();
    const entry = hook.entry.replace(/^btls\b/, btls);
    const good = sh(`${entry} manifests/`, dir);
    expect(good.status).toBe(0);
    writeFileSync(join(dir, 'bad.yaml'), readFileSync(join(root, 'rules', '_base.yaml'), 'utf8').replace('backend.example.com', '10.1.2.3'));
    expect(new RegExp(hook.files).test('bad.yaml')).toBe(true);
    const bad = sh(`${entry} bad.yaml`, dir);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('must be a DNS name, not an IP address');
  });
});
