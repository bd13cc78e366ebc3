import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { run } from '../../src/cli/program.js';
import type { Io } from '../../src/cli/io.js';
import type { PolicyStatus } from '../../src/status/api-types.js';
import { CONTROLLER, fixtures, makeCaPem } from './helpers.js';

function bufferIo(stdinText = ''): { io: Io; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on('data', (c: Buffer) => o.push(c));
  stderr.on('data', (c: Buffer) => e.push(c));
  return { io: { stdout, stderr, stdin, env: {}, cwd: process.cwd() }, out: () => Buffer.concat(o).toString(), err: () => Buffer.concat(e).toString() };
}

type Output = { policies: { namespace: string; name: string; status: PolicyStatus }[] };
const conds = (doc: Output, name: string) => doc.policies.find((p) => p.name === name)!.status.ancestors.map((a) => a.conditions.map((c) => `${c.type}/${c.status}/${c.reason}`));

describe('btls status', () => {
  const base = join(fixtures, 'base.yaml');
  const caOnStdin = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tls-checks-ca-certificate, namespace: gateway-conformance-infra}\ndata:\n  ca.crt: |\n${makeCaPem().trim().split('\n').map((l) => '    ' + l).join('\n')}\n`;

  it('prints {"policies": [...]} with the status the controller would write and exits 0', async () => {
    const b = bufferIo(caOnStdin);
    const code = await run(['status', '--controller-name', CONTROLLER, base, join(fixtures, 'backendtlspolicy-conflict-resolution.yaml'), '-'], b.io);
    expect({ code, err: b.err() }).toEqual({ code: 0, err: '' });
    const doc = JSON.parse(b.out()) as Output;
    expect(doc.policies.map((p) => p.name)).toEqual([
      'conflicted-with-section-name-1', 'conflicted-with-section-name-2', 'conflicted-without-section-name-1',
      'conflicted-without-section-name-2', 'not-conflicted-with-section-name', 'not-conflicted-without-section-name',
    ]);
    expect(conds(doc, 'conflicted-without-section-name-1')).toEqual([['Accepted/True/Accepted', 'ResolvedRefs/True/ResolvedRefs']]);
    expect(conds(doc, 'conflicted-without-section-name-2')).toEqual([['Accepted/False/Conflicted', 'ResolvedRefs/True/ResolvedRefs']]);
  });

  it('puts namespace-less objects in default', async () => {
    const b = bufferIo('kind: BackendTLSPolicy\nmetadata: {name: p}\nspec: {targetRefs: [{group: "", kind: Service, name: s}], validation: {wellKnownCACertificates: System, hostname: h}}\n');
    expect(await run(['status', '--controller-name', CONTROLLER, '--ancestor-kind', 'Service'], b.io)).toBe(0);
    const doc = JSON.parse(b.out()) as Output;
    expect(doc.policies[0]!.namespace).toBe('default');
    expect(doc.policies[0]!.status.ancestors[0]!.ancestorRef).toEqual({ group: '', kind: 'Service', namespace: 'default', name: 's' });
    expect(conds(doc, 'p')).toEqual([['Accepted/False/TargetNotFound', 'ResolvedRefs/True/ResolvedRefs']]);
  });

  it('prints the same document as YAML with --output yaml, and one line per ancestor with --output text', async () => {
    const y = bufferIo();
    expect(await run(['status', '--controller-name', CONTROLLER, '-o', 'yaml', base, join(fixtures, 'backendtlspolicy-invalid-kind.yaml')], y.io)).toBe(0);
    expect(conds(load(y.out()) as Output, 'invalid-kind')).toEqual([['Accepted/False/NoValidCACertificate', 'ResolvedRefs/False/InvalidKind']]);
    const t = bufferIo();
    expect(await run(['status', '--controller-name', CONTROLLER, '-o', 'text', base, join(fixtures, 'backendtlspolicy-invalid-kind.yaml')], t.io)).toBe(0);
    expect(t.out()).toMatch(/^gateway-conformance-infra\/invalid-kind\tGateway gateway-conformance-infra\/same-namespace\tAccepted=False\/NoValidCACertificate ResolvedRefs=False\/InvalidKind\t/);
  });

  it.each([
    ['--controller-name is missing', ['status', base], /controller-name/],
    ['a path does not exist', ['status', '--controller-name', CONTROLLER, 'no/such.yaml'], /^no\/such\.yaml:0:0: cannot read: no such file or directory$/m],
    ['stdin is not YAML', ['status', '--controller-name', CONTROLLER, '-'], /^<stdin>:[34]:\d+: YAML syntax error/m],
    ['the output format is unknown', ['status', '--controller-name', CONTROLLER, '-o', 'xml', base], /xml/],
  ])('exits 2 when %s, with a message and no stack trace', async (_, argv, message) => {
    const b = bufferIo('kind: ConfigMap\nmetadata: {name: a}\nx: [\n');
    expect(await run(argv, b.io)).toBe(2);
    expect(b.err()).toMatch(message);
    expect(b.err()).not.toMatch(/\n\s+at /);
    expect(b.out()).toBe('');
  });
});
