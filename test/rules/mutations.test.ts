import { loadEngine } from '../../src/rules/engine.js';
import type { JsonPatchOp } from '../../src/rules/types.js';

const engine = loadEngine();

function apply(object: unknown, ops: JsonPatchOp[]): unknown {
  const out = structuredClone(object) as Record<string, unknown>;
  for (const op of ops) {
    const keys = op.path.slice(1).split('/').map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop()!;
    let node: Record<string, unknown> = out;
    for (const k of keys) node = node[k] as Record<string, unknown>;
    if (op.op === 'remove') delete node[last];
    else node[last] = (op as { value: unknown }).value;
  }
  return out;
}

const policy = () => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'BackendTLSPolicy',
  metadata: { name: 'p', namespace: 'default' },
  spec: {
    targetRefs: [{ kind: 'Service', name: 'backend' }],
    validation: {
      hostname: 'Backend.Example.COM.',
      caCertificateRefs: [{ kind: 'ConfigMap', name: 'ca' }],
      subjectAltNames: [{ type: 'Hostname', hostname: 'API.example.com' }],
    },
  },
});

describe('mutations', () => {
  it('lower-cases hostnames, drops one trailing dot and sets the core group on core refs', () => {
    const ops = engine.mutate(policy());
    expect(ops).toHaveLength(4);
    expect(ops).toEqual(expect.arrayContaining([
      { op: 'replace', path: '/spec/validation/hostname', value: 'backend.example.com', rule: 'mutate-hostname-canonical' },
      { op: 'replace', path: '/spec/validation/subjectAltNames/0/hostname', value: 'api.example.com', rule: 'mutate-san-hostname-canonical' },
      { op: 'add', path: '/spec/targetRefs/0/group', value: '', rule: 'mutate-target-core-group' },
      { op: 'add', path: '/spec/validation/caCertificateRefs/0/group', value: '', rule: 'mutate-ca-ref-core-group' },
    ]));
  });

  it('gives no patch the second time', () => {
    const once = apply(policy(), engine.mutate(policy()));
    expect(engine.mutate(once)).toEqual([]);
    expect(engine.evaluate(once).filter((f) => f.severity === 'deny')).toEqual([]);
  });

  it.each([['payments.example.com..'], ['Payments.Example.com..'], ['.'], ['..'], ['A.']])(
    'reaches a fixed point in one pass from %j (mutating twice gives no patch the second time)',
    (hostname) => {
      const p = policy();
      p.spec.validation.hostname = hostname;
      p.spec.validation.subjectAltNames[0]!.hostname = hostname;
      const once = apply(p, engine.mutate(p));
      expect(engine.mutate(once)).toEqual([]);
    },
  );

  it('leaves the group of non-core kinds alone and ignores other kinds of object', () => {
    const p = policy();
    (p.spec.targetRefs[0] as Record<string, unknown>).kind = 'Backend';
    expect(engine.mutate(p).some((op) => op.path === '/spec/targetRefs/0/group')).toBe(false);
    expect(engine.mutate({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } })).toEqual([]);
  });

  it('is switched off by the crd rule set, which has no mutations', () => {
    expect(loadEngine({ ruleset: 'crd' }).mutate(policy())).toEqual([]);
  });
});
