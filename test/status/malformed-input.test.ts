import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/program.js';
import type { KubeObject } from '../../src/rules/types.js';
import type { PolicyStatus } from '../../src/status/api-types.js';
import { CONTROLLER, makeCaPem, resolveObjects } from './helpers.js';
import { caMap, gateway, ourClass, policy, route, service } from './builders.js';
import { bufferIo } from '../cli/buffer-io.js';

// `btls status` reads any YAML. Objects the API server would never store must neither crash the resolver
// (the pure core) nor keep the other policies from getting their status (the CLI reports them, file:line:col).

const GOOD = policy('good', 'apps', { name: 'backend' });
const world: KubeObject[] = [ourClass, gateway('gw', 'apps'), service('backend'), caMap('ca', makeCaPem()), route('HTTPRoute', 'r', 'apps', [{ name: 'gw' }], [{ name: 'backend' }]), GOOD];

const badPolicy = (spec: unknown, status?: unknown): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'BackendTLSPolicy',
  metadata: { name: 'z-bad', namespace: 'apps' }, // after 'good': it never takes precedence over it
  spec,
  ...(status !== undefined ? { status } : {}),
});
const target = [{ group: '', kind: 'Service', name: 'backend' }];
const validation = { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca' }], hostname: 'h.example.com' };

/** [case, objects added to the world, the field the CLI must point at] */
const cases: [string, KubeObject[], string][] = [
  ['targetRefs is a string', [badPolicy({ targetRefs: 'svc', validation })], 'spec.targetRefs'],
  ['targetRefs holds null', [badPolicy({ targetRefs: [null], validation })], 'spec.targetRefs[0]'],
  ['caCertificateRefs holds null', [badPolicy({ targetRefs: target, validation: { ...validation, caCertificateRefs: [null] } })], 'spec.validation.caCertificateRefs[0]'],
  ['caCertificateRefs is a string', [badPolicy({ targetRefs: target, validation: { ...validation, caCertificateRefs: 'x' } })], 'spec.validation.caCertificateRefs'],
  ['status.ancestors holds null', [badPolicy({ targetRefs: target, validation }, { ancestors: [null] })], 'status.ancestors[0]'],
  [
    'an ancestor has no ancestorRef',
    [badPolicy({ targetRefs: target, validation }, { ancestors: [{ controllerName: CONTROLLER, conditions: [] }] })],
    'status.ancestors[0].ancestorRef',
  ],
  ['an HTTPRoute has parentRefs "x"', [{ ...route('HTTPRoute', 'r2', 'apps', [], [{ name: 'backend' }]), spec: { parentRefs: 'x', rules: [{ backendRefs: [{ name: 'backend' }] }] } }], 'spec.parentRefs'],
  ['a ConfigMap has "ca.crt": 5', [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ca2', namespace: 'apps' }, data: { 'ca.crt': 5 } } as KubeObject, policy('uses-ca2', 'apps', { name: 'backend' }, { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca2' }], hostname: 'h' })], 'data[ca.crt]'],
];

const statusOfGood = (results: { name: string; status: PolicyStatus }[]) => results.find((r) => r.name === 'good')!.status;

describe('resolveStatus on objects of the wrong shape', () => {
  const alone = statusOfGood(resolveObjects(world));

  it.each(cases)('does not throw when %s, and the other policies get the status they get without it', (_, extra) => {
    const results = resolveObjects([...world, ...extra]);
    expect(statusOfGood(results)).toEqual(alone);
    for (const r of results) for (const a of r.status.ancestors) expect(typeof a.ancestorRef).toBe('object'); // nothing unstorable written back
  });

  it('reports a non-string ca.crt as an invalid ref, naming it', () => {
    const results = resolveObjects([...world, ...cases[7]![1]]);
    const entry = results.find((r) => r.name === 'uses-ca2')!.status.ancestors[0]!;
    const rr = entry.conditions.find((c) => c.type === 'ResolvedRefs')!;
    expect([rr.status, rr.reason]).toEqual(['False', 'InvalidCACertificateRef']);
    expect(rr.message).toContain('ConfigMap "ca2": ca.crt is not a string');
  });
});


describe('btls status with objects of the wrong shape', () => {
  const dir = mkdtempSync(join(tmpdir(), 'btls-malformed-'));
  const good = join(dir, 'world.json');
  writeFileSync(good, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: world }));
  const expected = async () => {
    const b = bufferIo();
    expect(await run(['status', '--controller-name', CONTROLLER, good], b)).toBe(0);
    return JSON.parse(b.out()) as { policies: { name: string; status: PolicyStatus }[] };
  };

  it.each(cases)('%s: an input error at the field (file:line:col), exit 2, and the other policies still get their status', async (name, extra, field) => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
    // one object per line, so that the line of the error is known: line 1 + index of the bad object
    writeFileSync(file, extra.map((o) => `---\n${JSON.stringify(o)}`).join('\n') + '\n');
    const b = bufferIo();
    const code = await run(['status', '--controller-name', CONTROLLER, good, file], b);
    expect(code).toBe(2);
    const bad = extra.findIndex((o) => o.metadata?.name !== 'uses-ca2');
    const lines = b.err().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${2 + 2 * bad}:\\d+: error: ${extra[bad]!.kind} apps/${extra[bad]!.metadata!.name}: ${field.replace(/[.[\]]/g, '\\$&')} `));
    expect(b.err()).not.toMatch(/\n\s+at /);
    const doc = JSON.parse(b.out()) as { policies: { name: string; status: PolicyStatus }[] };
    // the CLI reads the clock: compare everything but lastTransitionTime
    const timeless = (st: PolicyStatus) => JSON.parse(JSON.stringify(st, (k, v: unknown) => (k === 'lastTransitionTime' ? undefined : v))) as unknown;
    expect(timeless(statusOfGood(doc.policies))).toEqual(timeless(statusOfGood((await expected()).policies)));
    expect(doc.policies.map((p) => p.name)).not.toContain('z-bad');
  });

  it('points at the column of the field in a YAML file', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'apiVersion: gateway.networking.k8s.io/v1\nkind: BackendTLSPolicy\nmetadata: {name: bad, namespace: apps}\nspec:\n  targetRefs: svc\n');
    const b = bufferIo();
    expect(await run(['status', '--controller-name', CONTROLLER, good, file], b)).toBe(2);
    expect(b.err()).toBe(`${file}:5:3: error: BackendTLSPolicy apps/bad: spec.targetRefs must be a list, not a string ("svc"); the API server would not store it, so it is left out\n`);
  });

});
