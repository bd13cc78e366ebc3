import { PassThrough } from 'node:stream';
import { readFileSync } from 'node:fs';
import { checkLoaded, runCheck, type EngineFactory } from '../../src/cli/check/run.js';
import { createOutput } from '../../src/cli/output/index.js';
import type { Io } from '../../src/cli/io.js';
import { parseManifests } from '../../src/manifests/parse.js';
import type { EvaluationContext, Finding, KubeObject } from '../../src/rules/types.js';

// These tests pin the command's own behaviour with a tiny engine, so they hold whatever the rule table says.

function io(stdin = '') {
  const out = { text: '' };
  const err = { text: '' };
  const input = new PassThrough();
  input.end(stdin);
  const value: Io = {
    stdout: { write: (s: string) => ((out.text += s), true) } as unknown as Io['stdout'],
    stderr: { write: (s: string) => ((err.text += s), true) } as unknown as Io['stderr'],
    stdin: input,
    env: {},
    cwd: process.cwd(),
  };
  return { io: value, out, err };
}

const seen: Array<{ object: KubeObject; context?: EvaluationContext }> = [];

/** Denies an empty hostname, warns on a missing ConfigMap, and notes `<nil>` for objects named "nil". */
const fake: EngineFactory = (options) => ({
  ruleset: options.ruleset ?? 'default',
  mutate: () => [],
  evaluate(object, context) {
    const o = object as KubeObject & { spec?: { validation?: { hostname?: string; caCertificateRefs?: Array<{ name: string }> } } };
    seen.push({ object: o, context });
    const found: Finding[] = [];
    if (o.spec?.validation?.hostname === '') {
      found.push({ rule: 'hostname-min-length', field: 'spec.validation.hostname', message: 'Invalid value: "": too short', severity: 'deny', reason: 'FieldValueInvalid' });
    }
    for (const [i, ref] of (o.spec?.validation?.caCertificateRefs ?? []).entries()) {
      if (!context?.references?.configMap(o.metadata?.namespace ?? '', ref.name)) {
        found.push({ rule: 'ca-configmap-exists', field: `spec.validation.caCertificateRefs[${i}].name`, message: `Not found: "${ref.name}"`, severity: 'warn', reason: 'FieldValueNotFound' });
      }
    }
    if (o.metadata?.name === 'nil') found.push({ rule: 'object-note', field: '<nil>', message: 'Invalid value: "object": note', severity: 'warn', reason: 'FieldValueInvalid' });
    if (o.metadata?.name === 'boom') throw new Error('rule crashed');
    return found;
  },
});

const policy = (name: string, extra = '') =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: BackendTLSPolicy\nmetadata:\n  name: ${name}\nspec:\n  validation:\n    hostname: ""\n${extra}`;

describe('btls check core (with a stand-in engine)', () => {
  beforeEach(() => (seen.length = 0));

  it('evaluates only BackendTLSPolicies, in namespace default when they have none, without changing the input', () => {
    const loaded = parseManifests(`${policy('a')}---\nkind: ConfigMap\nmetadata: {name: ca}\n`, 'in.yaml');
    const out = { text: '' };
    const output = createOutput('text', { write: (s: string) => ((out.text += s), true) });
    const summary = checkLoaded(loaded, fake({}), output);
    output.flush();
    expect(seen.map((s) => s.object.metadata?.namespace)).toEqual(['default']);
    expect(loaded.objects[0].object.metadata?.namespace).toBeUndefined();
    expect(seen[0].context?.references?.configMap('default', 'ca')?.kind).toBe('ConfigMap');
    expect(summary).toEqual({ objects: 2, policies: 1, denied: 1, warnings: 0, errors: 0 });
    expect(out.text).toBe('in.yaml:7:5: deny: spec.validation.hostname: Invalid value: "": too short [hostname-min-length]\nSummary: 2 objects, 1 policy: 1 denied, 0 warnings, 0 errors\n');
  });

  it('points each finding at its field, and <nil> at the object', () => {
    const text = `kind: Service\n---\n${policy('nil', '    caCertificateRefs:\n    - name: missing\n')}`;
    const { io: i, out } = io(text);
    return runCheck({ paths: ['-'], output: 'json' }, i, fake).then((code) => {
      expect(code).toBe(1);
      const { findings } = JSON.parse(out.text);
      expect(findings.map((f: { source: { line: number; column: number }; rule: string }) => [f.source.line, f.source.column, f.rule])).toEqual([
        [9, 5, 'hostname-min-length'],
        [11, 7, 'ca-configmap-exists'],
        [3, 1, 'object-note'],
      ]);
      expect(findings[0].source.file).toBe('<stdin>');
      expect(findings[0].object).toEqual({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'BackendTLSPolicy', namespace: 'default', name: 'nil' });
    });
  });

  it('gives the engine no references when the input holds no ConfigMap or Service', () => {
    const output = createOutput('json', { write: () => true });
    checkLoaded(parseManifests(policy('alone'), 'in.yaml'), fake({}), output);
    expect(seen[0].context?.references).toBeUndefined();
  });

  it('exits 0 when there are only warnings', async () => {
    const { io: i } = io('apiVersion: gateway.networking.k8s.io/v1\nkind: BackendTLSPolicy\nmetadata: {name: w}\nspec:\n  validation:\n    caCertificateRefs: [{name: x}]\n');
    expect(await runCheck({ paths: ['-'] }, i, fake)).toBe(0);
  });

  it('reports an engine that throws as an error of that object, not a crash', async () => {
    const { io: i, out } = io('apiVersion: gateway.networking.k8s.io/v1\nkind: BackendTLSPolicy\nmetadata: {name: boom}\n');
    expect(await runCheck({ paths: ['-'] }, i, fake)).toBe(2);
    expect(out.text).toBe('<stdin>:1:1: error: cannot evaluate BackendTLSPolicy default/boom: rule crashed\nSummary: 1 object, 1 policy: 0 denied, 0 warnings, 1 error\n');
  });

  it('is a usage error without paths, with an unknown format, or when the engine cannot be loaded', async () => {
    const a = io();
    expect(await runCheck({ paths: [] }, a.io, fake)).toBe(2);
    expect(a.err.text).toMatch(/^btls check: no input/);
    const b = io();
    expect(await runCheck({ paths: ['-'], output: 'xml' }, b.io, fake)).toBe(2);
    expect(b.err.text).toBe('btls check: unknown output format "xml": use one of text, json, junit, sarif\n');
    const c = io();
    const broken: EngineFactory = () => {
      throw new Error('config.yaml: unknown rule "nope"');
    };
    expect(await runCheck({ paths: ['-'], config: 'config.yaml' }, c.io, broken)).toBe(2);
    expect(c.err.text).toBe('btls check: config.yaml: unknown rule "nope"\n');
  });

  it('colours text only on a TTY and never with --no-color or NO_COLOR', async () => {
    const text = policy('c');
    const tty = io(text);
    (tty.io.stdout as { isTTY?: boolean }).isTTY = true;
    await runCheck({ paths: ['-'] }, tty.io, fake);
    expect(tty.out.text).toContain('\x1b[31m');
    const off = io(text);
    (off.io.stdout as { isTTY?: boolean }).isTTY = true;
    await runCheck({ paths: ['-'], color: false }, off.io, fake);
    expect(off.out.text).not.toContain('\x1b[');
    const env = io(text);
    (env.io.stdout as { isTTY?: boolean }).isTTY = true;
    env.io.env.NO_COLOR = '1';
    await runCheck({ paths: ['-'] }, env.io, fake);
    expect(env.out.text).not.toContain('\x1b[');
  });
});

describe('btls check core, what CI reports rely on', () => {
  it('points an object-wide <nil> finding of a List item at that item, not at the List', async () => {
    const text = `kind: Service\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: gateway.networking.k8s.io/v1\n  kind: BackendTLSPolicy\n  metadata: {name: first}\n- apiVersion: gateway.networking.k8s.io/v1\n  kind: BackendTLSPolicy\n  metadata: {name: nil}\n`;
    const { io: i, out } = io(text);
    expect(await runCheck({ paths: ['-'], output: 'json' }, i, fake)).toBe(0);
    const [f] = JSON.parse(out.text).findings;
    expect([f.rule, f.source.line, f.source.column]).toEqual(['object-note', 9, 3]);
  });

  it('reports a BackendTLSPolicy with an empty apiVersion as an input error, like a missing one', async () => {
    const { io: i, out } = io('apiVersion: ""\nkind: BackendTLSPolicy\nmetadata: {name: x}\n');
    expect(await runCheck({ paths: ['-'] }, i, fake)).toBe(2);
    expect(out.text).toMatch(/^<stdin>:1:1: error: BackendTLSPolicy default\/x: apiVersion not set/);
    // refused before anything else: not counted as an object or a policy
    expect(out.text.trimEnd().split('\n').pop()).toBe('Summary: 0 objects, 0 policies: 0 denied, 0 warnings, 1 error');
  });

  it('reports an empty namespace as default', async () => {
    const { io: i, out } = io(policy('e').replace('  name: e\n', '  name: e\n  namespace: ""\n'));
    expect(await runCheck({ paths: ['-'], output: 'json' }, i, fake)).toBe(1);
    expect(JSON.parse(out.text).findings[0].object.namespace).toBe('default');
  });

  it('lists findings first, then the objects that could not be evaluated, then the inputs that could not be parsed', async () => {
    const text = `apiVersion: gateway.networking.k8s.io/v1\nkind: BackendTLSPolicy\nmetadata: {name: boom}\n---\n${policy('a')}---\nkey: [unclosed\n`;
    const { io: i, out } = io(text);
    expect(await runCheck({ paths: ['-'] }, i, fake)).toBe(2);
    const lines = out.text.trimEnd().split('\n');
    expect(lines.map((l) => l.replace(/^<stdin>:\d+:\d+: (\w+): .*$/, '$1'))).toEqual(['deny', 'error', 'error', lines[3]]);
    expect(lines[1]).toContain('cannot evaluate BackendTLSPolicy default/boom');
    expect(lines[2]).toContain('YAML syntax error');
    expect(lines[3]).toBe('Summary: 2 objects, 2 policies: 1 denied, 0 warnings, 2 errors');
  });

  it('gives the SARIF driver the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const { io: i, out } = io(policy('v'));
    expect(await runCheck({ paths: ['-'], output: 'sarif' }, i, fake)).toBe(1);
    expect(JSON.parse(out.text).runs[0].tool.driver.version).toBe(version);
  });

  it('ignores a closed pipe (btls check | head), but not other stream errors', async () => {
    const { io: i } = io(policy('p'));
    const stdout = new PassThrough();
    stdout.resume();
    i.stdout = stdout as unknown as Io['stdout'];
    expect(await runCheck({ paths: ['-'] }, i, fake)).toBe(1);
    expect(() => stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).not.toThrow();
    expect(() => stdout.emit('error', Object.assign(new Error('write EIO'), { code: 'EIO' }))).toThrow('EIO');
    // one listener per stream, however many checks write to it (no MaxListenersExceededWarning)
    for (let n = 0; n < 3; n++) await runCheck({ paths: ['-'] }, { ...i, stdin: io(policy('p')).io.stdin }, fake);
    expect(stdout.listenerCount('error')).toBe(1);
  });
});
