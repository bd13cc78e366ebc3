import { PassThrough } from 'node:stream';
import { run } from '../../src/cli/program.js';
import type { Io } from '../../src/cli/io.js';

// `btls check` end to end through run(argv, io) with the real rule engine, on files under test/fixtures/check/.

const F = 'test/fixtures/check';

async function check(args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const input = new PassThrough();
  input.end(stdin);
  const io: Io = {
    stdout: { write: (s: string) => ((stdout += s), true) } as unknown as Io['stdout'],
    stderr: { write: (s: string) => ((stderr += s), true) } as unknown as Io['stderr'],
    stdin: input,
    env: {},
    cwd: process.cwd(),
  };
  const code = await run(['check', ...args], io);
  return { code, stdout, stderr };
}

const sans = 'spec.validation.subjectAltNames: Too many: 6: must have at most 5 items';

describe('btls check', () => {
  it('passes when the policy, its Service and its ConfigMap are valid', async () => {
    expect(await check([`${F}/valid`])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await check([`${F}/valid`, '--summary'])).stdout).toBe('Summary: 3 objects, 1 policy: 0 denied, 0 warnings, 0 errors\n');
  });

  it('fails when subjectAltNames has six entries, with the API server wording, at the field', async () => {
    const { code, stdout } = await check(['--ruleset', 'crd', `${F}/invalid/too-many-sans.yaml`]);
    expect(code).toBe(1);
    expect(stdout).toContain(`${F}/invalid/too-many-sans.yaml:14:5: deny: ${sans} [crd-schema-max-items]\n`);
  });

  it('fails on an IP address as hostname with the default rule set only', async () => {
    const file = `${F}/invalid/hostname-is-ip.yaml`;
    const strict = await check([file]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toBe(
      `${file}:14:5: deny: spec.validation.hostname: Invalid value: "10.0.0.1": must be a DNS name, not an IP address [hostname-not-ip]\n` +
        'Summary: 1 object, 1 policy: 1 denied, 0 warnings, 0 errors\n',
    );
    expect((await check(['--ruleset', 'crd', file])).code).toBe(0);
  });

  it('passes when --config turns a denial into a warning, and is a usage error for a broken config', async () => {
    const file = `${F}/invalid/hostname-is-ip.yaml`;
    const warned = await check(['--config', `${F}/config/hostname-ip-warn.yaml`, file]);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain(`${file}:14:5: warn: spec.validation.hostname:`);
    const broken = await check(['--config', `${F}/config/broken.yaml`, file]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toBe(`btls check: config ${F}/config/broken.yaml: rules.hostname-not-ip.severity must be deny or warn\n`);
    expect(broken.stdout).toBe('');
  });

  it('reads multi-document YAML and reports the invalid document with its namespace', async () => {
    const { code, stdout } = await check(['-o', 'json', `${F}/multi-doc.yaml`]);
    expect(code).toBe(1);
    const out = JSON.parse(stdout);
    expect(out.summary).toEqual({ objects: 3, policies: 2, denied: 1, warnings: 1, errors: 0 });
    expect(out.findings[0]).toEqual({
      source: { file: `${F}/multi-doc.yaml`, line: 31, column: 3 },
      object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'BackendTLSPolicy', namespace: 'shop', name: 'both-ca-sources' },
      rule: 'crd-not-both-ca-certificate-refs-well',
      field: 'spec.validation',
      message: 'Invalid value: "object": must not contain both CACertificateRefs and WellKnownCACertificates',
      severity: 'deny',
    });
  });

  it('points into the items of a List', async () => {
    const { code, stdout } = await check(['--ruleset', 'crd', `${F}/list.yaml`]);
    expect(code).toBe(1);
    expect(stdout).toContain(`${F}/list.yaml:29:9: deny: spec.validation.subjectAltNames[0].type: Unsupported value: "IP": supported values: "Hostname", "URI" [crd-schema-enum]\n`);
    expect(stdout).not.toContain('listed-ok');
  });

  it('reads JSON files', async () => {
    const { code, stdout } = await check([`${F}/policy.json`]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      `${F}/policy.json:9:7: deny: spec.validation.hostname: Invalid value: "": spec.validation.hostname in body should be at least 1 chars long [crd-schema-min-length]\n`,
    );
  });

  it('reads stdin with -', async () => {
    const { code, stdout } = await check(['--ruleset', 'crd', '-'], await readFixture('invalid/too-many-sans.yaml'));
    expect(code).toBe(1);
    expect(stdout).toContain(`<stdin>:14:5: deny: ${sans} [crd-schema-max-items]\n`);
  });

  it('walks folders recursively, reading only *.yaml, *.yml and *.json', async () => {
    const { code, stdout } = await check(['--ruleset', 'crd', '-o', 'json', `${F}/tree`]);
    expect(code).toBe(1);
    const out = JSON.parse(stdout);
    expect(out.summary.policies).toBe(2);
    expect(out.findings.map((f: { source: { file: string } }) => f.source.file)).toContain(`${F}/tree/team-b/policies.yaml`);
    expect(stdout).not.toContain('README');
  });

  // kubectl -R reads a symlinked file in a folder, and (walking with lstat) never descends a symlinked folder
  it('reads symlinked files in a folder, but does not descend symlinked folders', async () => {
    const { mkdtemp, mkdir, copyFile, symlink, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/btls-check-symlink-`);
    try {
      await mkdir(`${dir}/real`);
      await mkdir(`${dir}/d`);
      await copyFile(`${F}/invalid/hostname-is-ip.yaml`, `${dir}/real/p.yaml`);
      await symlink('../real/p.yaml', `${dir}/d/linkfile.yaml`);
      await symlink('../real', `${dir}/d/linkdir`); // would read real/p.yaml a second time, and loops would never end
      await symlink('../d', `${dir}/d/loop`);
      const { code, stdout } = await check([`${dir}/d`]);
      expect(code).toBe(1);
      expect(stdout).toMatch(new RegExp(`^${dir}/d/linkfile\\.yaml:\\d+:\\d+: deny: spec\\.validation\\.hostname: .*\\[hostname-not-ip\\]$`, 'm'));
      expect(stdout).toContain('Summary: 1 object, 1 policy: 1 denied');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a YAML syntax error as file:line:col and still reports the other files', async () => {
    const { code, stdout, stderr } = await check(['--ruleset', 'crd', `${F}/errors/syntax-error.yaml`, `${F}/invalid/too-many-sans.yaml`]);
    expect(code).toBe(2);
    expect(stderr).toBe('');
    expect(stdout).toMatch(new RegExp(`^${F}/errors/syntax-error\\.yaml:\\d+:\\d+: error: YAML syntax error: `, 'm'));
    expect(stdout).toContain(sans);
    expect(stdout).not.toMatch(/\n\s+at /);
  });

  it('reports an unreadable path and exits 2', async () => {
    const { code, stdout } = await check([`${F}/does-not-exist.yaml`]);
    expect(code).toBe(2);
    expect(stdout).toBe(`${F}/does-not-exist.yaml: error: cannot read: no such file or directory\nSummary: 0 objects, 0 policies: 0 denied, 0 warnings, 1 error\n`);
  });

  it('checks references against the ConfigMaps and Services in the same input, as warnings', async () => {
    const policy = await readFixture('valid/backend-tls.yaml');
    const context = await readFixture('valid/context.yaml');
    const service = context.split('\n---\n')[0];
    expect((await check(['-'], `${policy}---\n${context}`)).code).toBe(0);
    const { code, stdout } = await check(['-', '--summary'], `${policy}---\n${service}\n`);
    expect(code).toBe(0);
    expect(stdout).toBe(
      '<stdin>:15:7: warn: spec.validation.caCertificateRefs[0].name: Invalid value: "backend-ca": ConfigMap default/backend-ca not found [refs-ca-configmap-found]\n' +
        'Summary: 2 objects, 1 policy: 0 denied, 1 warning, 0 errors\n',
    );
  });

  it('writes junit and sarif', async () => {
    const junit = await check(['--ruleset', 'crd', '-o', 'junit', `${F}/invalid/too-many-sans.yaml`]);
    expect(junit.code).toBe(1);
    expect(junit.stdout).toContain(`<testcase classname="${F}/invalid/too-many-sans.yaml" name="BackendTLSPolicy default/too-many-sans">`);
    expect(junit.stdout).toContain(`<failure message="${sans}" type="crd-schema-max-items">`);
    const sarif = await check(['--ruleset', 'crd', '-o', 'sarif', `${F}/invalid/too-many-sans.yaml`]);
    const result = JSON.parse(sarif.stdout).runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'crd-schema-max-items');
    expect(result.level).toBe('error');
    expect(result.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: `${F}/invalid/too-many-sans.yaml` }, region: { startLine: 14, startColumn: 5 } });
  });

  it('is a usage error without paths, with an unknown format or an unknown rule set', async () => {
    const none = await check([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^btls check: no input/);
    const format = await check(['-o', 'yaml', `${F}/valid`]);
    expect(format.code).toBe(2);
    expect(format.stderr).toBe('btls check: unknown output format "yaml": use one of text, json, junit, sarif\n');
    const ruleset = await check(['--ruleset', 'strict', `${F}/valid`]);
    expect(ruleset.code).toBe(2);
    expect(ruleset.stderr).toContain("argument 'strict' is invalid");
  });
});

async function readFixture(name: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(`${F}/${name}`, 'utf8');
}

describe('btls check on input that holds nothing to check', () => {
  // kubectl apply -f DIR: "error reading [DIR]: recognized file extensions are [.json .yaml .yml]", and
  // "no objects passed to apply" when the files hold nothing: a CI run that checked nothing must not pass
  it('is an input error naming the folder when a folder holds no manifest or no object', async () => {
    const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/btls-check-empty-`);
    try {
      await mkdir(`${dir}/none`);
      await writeFile(`${dir}/none/README.md`, 'not a manifest\n');
      await mkdir(`${dir}/blank`);
      await writeFile(`${dir}/blank/a.yaml`, '# only a comment\n---\n');
      const none = await check([`${dir}/none`]);
      expect(none.code).toBe(2);
      expect(none.stdout).toMatch(new RegExp(`^${dir}/none: error: .*no \\*\\.yaml, \\*\\.yml or \\*\\.json file`, 'm'));
      const blank = await check([`${dir}/blank`, `${F}/valid`]);
      expect(blank.code).toBe(2);
      expect(blank.stdout).toMatch(new RegExp(`^${dir}/blank: error: .*no objects`, 'm'));
      expect(blank.stdout).toContain('Summary: 3 objects, 1 policy: 0 denied, 0 warnings, 1 error');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is an input error when the files and stdin hold no object at all, as kubectl apply says "no objects passed"', async () => {
    const empty = await check(['-'], '# nothing\n');
    expect(empty.code).toBe(2);
    expect(empty.stdout).toMatch(/^<stdin>: error: .*no objects/m);
    // one empty input next to others is fine, as with kubectl -f a -f b
    expect((await check(['-', `${F}/valid`], '')).code).toBe(0);
  });

  // kubectl: error validating "x.yaml": error validating data: apiVersion not set
  it('reports a BackendTLSPolicy without apiVersion as an error, and does not count one of another group as a policy', async () => {
    const body = 'metadata: {name: p}\nspec:\n  targetRefs: [{group: "", kind: Service, name: s}]\n  validation: {wellKnownCACertificates: System, hostname: a.example.com}\n';
    const missing = await check(['--summary', '-'], `kind: BackendTLSPolicy\n${body}`);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toMatch(/^<stdin>:1:1: error: .*apiVersion not set/m);
    expect(missing.stdout).toContain('0 policies');
    const other = await check(['--summary', '-'], `apiVersion: example.com/v1\nkind: BackendTLSPolicy\n${body}`);
    expect(other.code).toBe(0);
    expect(other.stdout).toBe('Summary: 1 object, 0 policies: 0 denied, 0 warnings, 0 errors\n');
  });
});

// kubectl apply -f nons.yaml -n shop creates the object in shop; an object of another namespace is refused
describe('btls check -n with files', () => {
  // denied (an IP address as hostname), so that the report names the policy's namespace
  const policy = (ns?: string) =>
    `apiVersion: gateway.networking.k8s.io/v1\nkind: BackendTLSPolicy\nmetadata: {name: p${ns ? `, namespace: ${ns}` : ''}}\n` +
    'spec:\n  targetRefs: [{group: "", kind: Service, name: s}]\n  validation: {wellKnownCACertificates: System, hostname: 10.0.0.1}\n';
  const namespaces = (stdout: string) => JSON.parse(stdout).findings.map((f: { object: { namespace: string } }) => f.object.namespace);

  it('puts objects without a namespace in that namespace', async () => {
    expect(namespaces((await check(['-o', 'json', '-'], policy())).stdout)).toEqual(['default']);
    const { code, stdout } = await check(['-n', 'shop', '-o', 'json', '-'], policy());
    expect(code).toBe(1);
    expect(namespaces(stdout)).toEqual(['shop']);
    expect(namespaces((await check(['--namespace=shop', '-o', 'json', '-'], `${policy('shop')}`)).stdout)).toEqual(['shop']);
  });

  it('refuses an object of another namespace with kubectl\'s words, and still checks the others', async () => {
    const { code, stdout } = await check(['-n', 'shop', '--summary', '-'], `${policy('other')}---\n${policy('shop')}`);
    expect(code).toBe(2);
    expect(stdout).toMatch(/^<stdin>:1:1: error: the namespace from the provided object "other" does not match the namespace "shop"\. You must pass '--namespace=other' to perform this operation\.$/m);
    expect(stdout).toContain('Summary: 1 object, 1 policy: 1 denied, 0 warnings, 1 error');
  });

  it('still keeps -A, --context and --kubeconfig for --cluster', async () => {
    expect((await check(['-A', '-'], policy())).code).toBe(2);
  });
});

describe('btls check on broken input', () => {
  it('reports a JSON syntax error as file:line:col and exits 2', async () => {
    const { code, stdout } = await check([`${F}/errors/bad.json`]);
    expect(code).toBe(2);
    expect(stdout).toBe(`${F}/errors/bad.json:4:24: error: JSON syntax error: Unexpected token '}'\nSummary: 0 objects, 0 policies: 0 denied, 0 warnings, 1 error\n`);
  });
});

describe('btls check --fix', () => {
  let dir: string;
  beforeEach(async () => {
    const { mkdtemp, copyFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    dir = await mkdtemp(`${tmpdir()}/btls-check-fix-`);
    await copyFile(`${F}/fix/needs-fix.yaml`, `${dir}/needs-fix.yaml`);
  });
  afterEach(async () => {
    const { rm } = await import('node:fs/promises');
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the fixes into the file, then checks it', async () => {
    const { code, stdout, stderr } = await check(['--fix', '--summary', dir]);
    expect(code).toBe(0);
    expect(stderr).toContain(`${dir}/needs-fix.yaml: fixed default/needs-fix: replace /spec/validation/hostname "backend.example.com"`);
    expect(stdout).toBe('Summary: 1 object, 1 policy: 0 denied, 0 warnings, 0 errors\n');
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(`${dir}/needs-fix.yaml`, 'utf8')).toContain('  - {group: "", kind: Service, name: backend}\n  validation: {wellKnownCACertificates: System, hostname: backend.example.com}\n');
  });

  it('fixes a symlinked file in a folder by writing its target, and keeps the link', async () => {
    const { mkdir, rename, symlink, readFile, lstat } = await import('node:fs/promises');
    await mkdir(`${dir}/real`);
    await mkdir(`${dir}/d`);
    await rename(`${dir}/needs-fix.yaml`, `${dir}/real/p.yaml`);
    await symlink('../real/p.yaml', `${dir}/d/linkfile.yaml`);
    const { code, stderr } = await check(['--fix', `${dir}/d`]);
    expect(code).toBe(0);
    expect(stderr).toContain(`${dir}/d/linkfile.yaml: fixed default/needs-fix`);
    expect((await lstat(`${dir}/d/linkfile.yaml`)).isSymbolicLink()).toBe(true);
    expect(await readFile(`${dir}/real/p.yaml`, 'utf8')).toContain('hostname: backend.example.com}');
  });

  it('prints a diff and leaves the file alone with --diff', async () => {
    const { code, stdout } = await check(['--fix', '--diff', `${dir}/needs-fix.yaml`]);
    expect(code).toBe(0);
    expect(stdout).toContain('+  validation: {wellKnownCACertificates: System, hostname: backend.example.com}\n');
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(`${dir}/needs-fix.yaml`, 'utf8')).toContain('hostname: Backend.Example.com');
  });

  // --diff and - put the diff or the fixed text on stdout: the check of the fixed text reports on stderr
  it('still checks with --diff: a denied policy fails the run though nothing needed fixing', async () => {
    const { code, stdout, stderr } = await check(['--fix', '--diff', `${F}/invalid/hostname-is-ip.yaml`]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/hostname-is-ip\.yaml:\d+:\d+: deny: spec\.validation\.hostname: .*\[hostname-not-ip\]/);
  });

  it('checks the fixed text of stdin and of the files given with it', async () => {
    const denied = await readFixture('invalid/hostname-is-ip.yaml');
    const { code, stdout, stderr } = await check(['--fix', '-', `${dir}/needs-fix.yaml`], denied);
    expect(code).toBe(1);
    expect(stdout).toBe(denied);
    expect(stderr).toMatch(/^<stdin>:\d+:\d+: deny: spec\.validation\.hostname: .*\[hostname-not-ip\]$/m);
    expect(stderr).toContain(`${dir}/needs-fix.yaml: fixed default/needs-fix`);
    expect(stderr).toContain('Summary: 2 objects, 2 policies: 1 denied');
  });

  it('exits 0 on stdin once the fixes leave nothing denied', async () => {
    const { readFile } = await import('node:fs/promises');
    const { code, stdout, stderr } = await check(['--fix', '-'], await readFile(`${dir}/needs-fix.yaml`, 'utf8'));
    expect(code).toBe(0);
    expect(stdout).toContain('hostname: backend.example.com}');
    expect(stderr).toBe('');
  });

  it('is a usage error to ask for --diff without --fix', async () => {
    expect(await check(['--diff', dir])).toEqual({ code: 2, stdout: '', stderr: 'btls check: --diff goes with --fix\n' });
  });
});

describe('btls --version', () => {
  it("prints package.json's version and exits 0", async () => {
    const { readFile } = await import('node:fs/promises');
    const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    const { run } = await import('../../src/cli/program.js');
    let out = '';
    const io = { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: () => true }, stdin: process.stdin, env: {}, cwd: process.cwd() } as never;
    expect(await run(['--version'], io)).toBe(0);
    expect(out).toBe(`${version}\n`);
  });
});

describe('btls check judges what the cluster would store (mutating webhook first)', () => {
  const manifest = [
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: BackendTLSPolicy',
    'metadata: {name: p, namespace: default}',
    'spec:',
    '  targetRefs:',
    '  - {kind: Service, name: backend}',
    '  validation:',
    '    hostname: Backend.Example.COM.',
    '    wellKnownCACertificates: System',
    '',
  ].join('\n');

  it('admits what the webhook admits after its mutations, and warns at each value it would change', async () => {
    const { code, stdout } = await check(['-'], manifest);
    expect(code).toBe(0);
    expect(stdout).toContain('<stdin>:8:5: warn: spec.validation.hostname: the webhook changes this: it stores "backend.example.com"');
    expect(stdout).toContain('<stdin>:6:5: warn: spec.targetRefs[0].group: the webhook adds this: it stores ""');
    expect(stdout).toContain('0 denied, 2 warnings');
  });

  it('reads a null field as absent before the mutations, as the apiserver does while decoding', async () => {
    const { code, stdout } = await check(['-'], manifest.replace('{kind: Service, name: backend}', '{group: null, kind: Service, name: backend}'));
    expect(code).toBe(0);
    expect(stdout).toContain('warn: spec.targetRefs[0].group: the webhook adds this: it stores ""');
    expect(stdout).not.toContain('Required value');
  });

  it('still denies what is invalid after the mutations, and the crd set judges the manifest as written', async () => {
    expect((await check(['-'], manifest.replace('Backend.Example.COM.', '10.1.2.3'))).code).toBe(1);
    const crd = await check(['--ruleset', 'crd', '-'], manifest);
    expect(crd.code).toBe(1);
    expect(crd.stdout).toContain('spec.validation.hostname in body should match');
  });
});
