import { mutateRequest, review, reviewMutation, validateRequest } from '../../src/admission/review.js';
import type { AdmissionRequest, AdmissionResponse } from '../../src/admission/types.js';
import type { Engine, EvaluationContext, KubeObject } from '../../src/rules/types.js';
import { badPolicy, decodePatch, goodPolicy, reviewOf, testEngineWithCrd } from '../server/helpers.js';

// the CRD's rules enforced (`btls serve --crd-rules enforce`): the answers below quote them as the apiserver would
const engine = testEngineWithCrd();

function requestOf(object: unknown, o: Parameters<typeof reviewOf>[1] = {}): AdmissionRequest {
  return reviewOf(object, o).request as AdmissionRequest;
}

function withSpec(mutate: (spec: any) => void): KubeObject {
  const p = goodPolicy();
  mutate(p.spec);
  return p;
}

/** Applies add/replace/remove JSON patch operations (all the mutations use). */
function applyPatch(doc: unknown, ops: Array<{ op: string; path: string; value?: unknown }>): unknown {
  const out = structuredClone(doc) as any;
  for (const op of ops) {
    const keys = op.path.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop()!;
    const parent = keys.reduce((node, k) => node[k], out);
    if (op.op === 'remove') delete parent[last];
    else parent[last] = op.value;
  }
  return out;
}

describe('review (validating)', () => {
  it('admits a known-good BackendTLSPolicy on CREATE with no warnings and echoes the uid', () => {
    const res = review(requestOf(goodPolicy(), { uid: 'u-1' }), engine);
    expect(res).toEqual({ uid: 'u-1', allowed: true });
  });

  it('denies with status 422 Invalid, the apiserver message in brackets, and one cause per finding', () => {
    const res = review(requestOf(badPolicy(), { uid: 'u-2' }), engine);
    expect(res.uid).toBe('u-2');
    expect(res.allowed).toBe(false);
    expect(res.status).toEqual({
      code: 422,
      reason: 'Invalid',
      message:
        'BackendTLSPolicy.gateway.networking.k8s.io "tls-upstream-dev" is invalid: [' +
        'spec.validation.hostname: Invalid value: "10.1.2.3": must be a DNS name, not an IP address, ' +
        'spec.validation.subjectAltNames[0].hostname: Invalid value: "*.example.com": must not be a wildcard hostname]',
      details: {
        name: 'tls-upstream-dev',
        group: 'gateway.networking.k8s.io',
        kind: 'BackendTLSPolicy',
        causes: [
          { reason: 'FieldValueInvalid', field: 'spec.validation.hostname', message: 'Invalid value: "10.1.2.3": must be a DNS name, not an IP address' },
          {
            reason: 'FieldValueInvalid',
            field: 'spec.validation.subjectAltNames[0].hostname',
            message: 'Invalid value: "*.example.com": must not be a wildcard hostname',
          },
        ],
      },
    });
  });

  it('prints a single error without brackets, as the apiserver does', () => {
    const res = review(requestOf(withSpec((s) => (s.validation.hostname = '10.1.2.3'))), engine);
    expect(res.status?.message).toBe(
      'BackendTLSPolicy.gateway.networking.k8s.io "tls-upstream-dev" is invalid: spec.validation.hostname: Invalid value: "10.1.2.3": must be a DNS name, not an IP address',
    );
  });

  const violations: Array<[string, (spec: any) => void, string]> = [
    ['an IP address as validation.hostname', (s) => (s.validation.hostname = '10.1.2.3'), 'spec.validation.hostname'],
    ['a wildcard SAN hostname', (s) => (s.validation.subjectAltNames = [{ type: 'Hostname', hostname: '*.example.com' }]), 'spec.validation.subjectAltNames[0].hostname'],
    ['an IP address as SAN hostname', (s) => (s.validation.subjectAltNames = [{ type: 'Hostname', hostname: '192.168.0.1' }]), 'spec.validation.subjectAltNames[0].hostname'],
    [
      'six SANs',
      (s) => (s.validation.subjectAltNames = Array.from({ length: 6 }, (_, i) => ({ type: 'Hostname', hostname: `h${i}.example.com` }))),
      'spec.validation.subjectAltNames',
    ],
    ['both caCertificateRefs and wellKnownCACertificates', (s) => (s.validation.wellKnownCACertificates = 'System'), 'spec.validation'],
    ['two targetRefs', (s) => s.targetRefs.push({ group: '', kind: 'Service', name: 'other' }), 'spec.targetRefs'],
    ['a namespace on a ref', (s) => (s.validation.caCertificateRefs[0].namespace = 'other'), 'spec.validation.caCertificateRefs[0]'],
    ['a target that is not a Service', (s) => (s.targetRefs = [{ group: 'gateway.kgateway.dev', kind: 'Backend', name: 'b' }]), 'spec.targetRefs[0]'],
  ];
  it.each(violations)('invalid because of %s', (_name, patch, field) => {
    const res = review(requestOf(withSpec(patch)), engine);
    expect(res.allowed).toBe(false);
    expect(res.status?.code).toBe(422);
    const fields = res.status?.details?.causes?.map((c) => c.field) ?? [];
    expect(fields.some((f) => f?.startsWith(field))).toBe(true);
    for (const c of res.status?.details?.causes ?? []) expect(res.status?.message).toContain(`${c.field}: ${c.message}`);
  });

  it('admits with a warning (field: message) when a caCertificateRef is not a ConfigMap', () => {
    const res = review(requestOf(withSpec((s) => (s.validation.caCertificateRefs[0].kind = 'Secret'))), engine);
    expect(res.allowed).toBe(true);
    expect(res.status).toBeUndefined();
    expect(res.warnings).toHaveLength(1);
    expect(res.warnings?.[0]).toMatch(/^spec\.validation\.caCertificateRefs\[0\](\.kind)?: .*ConfigMap/);
  });

  it('evaluates UPDATE with the old object in the context', () => {
    const seen: EvaluationContext[] = [];
    const spy: Engine = { ruleset: 'spy', evaluate: (o, ctx) => (seen.push(ctx ?? {}), engine.evaluate(o, ctx)), mutate: (o) => engine.mutate(o) };
    const old = goodPolicy();
    const res = review(requestOf(badPolicy(), { operation: 'UPDATE', oldObject: old }), spy);
    expect(res.allowed).toBe(false);
    expect(seen).toEqual([{ operation: 'UPDATE', oldObject: old }]);
  });

  it.each(['DELETE', 'CONNECT'] as const)('admits %s without evaluating', (operation) => {
    const never: Engine = { ruleset: 'never', evaluate: () => { throw new Error('evaluated'); }, mutate: () => { throw new Error('mutated'); } };
    const req = requestOf(badPolicy(), { operation, oldObject: badPolicy() });
    expect(validateRequest(req, never)).toMatchObject({ verdict: 'allowed', skipped: 'operation' });
    expect(mutateRequest(req, never)).toMatchObject({ verdict: 'allowed', skipped: 'operation' });
  });

  it('admits a kind other than BackendTLSPolicy and says it skipped it', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } };
    const result = validateRequest(requestOf(svc, { kind: { group: '', version: 'v1', kind: 'Service' } }), engine);
    expect(result).toMatchObject({ verdict: 'allowed', skipped: 'kind', response: { allowed: true } });
  });

  it('admits writes to the status subresource without checking the spec', () => {
    const result = validateRequest(requestOf(badPolicy(), { operation: 'UPDATE', oldObject: badPolicy(), subResource: 'status' }), engine);
    expect(result).toMatchObject({ verdict: 'allowed', skipped: 'subresource' });
  });

  it('answers a dryRun request exactly as the same request without dryRun', () => {
    for (const object of [goodPolicy(), badPolicy()]) {
      const a = review(requestOf(object, { uid: 'same', dryRun: true }), engine);
      const b = review(requestOf(object, { uid: 'same', dryRun: false }), engine);
      expect(a).toEqual(b);
    }
  });

  it('denies with the apiserver wording when a field has the wrong type', () => {
    const res = review(requestOf(withSpec((s) => ((s.validation.hostname = 42), (s.targetRefs = 'x')))), engine);
    expect(res.allowed).toBe(false);
    expect(res.status?.message).toContain('spec.validation.hostname: Invalid value: "integer": spec.validation.hostname in body must be of type string: "integer"');
  });

  it('denies when deny and warn findings come together, and keeps the warning', () => {
    const p = withSpec((s) => ((s.validation.hostname = '10.1.2.3'), (s.validation.caCertificateRefs[0].kind = 'Secret')));
    const result = validateRequest(requestOf(p), engine);
    expect(result.verdict).toBe('denied');
    expect(result.response.allowed).toBe(false);
    expect(result.response.status?.details?.causes?.map((c) => c.field)).toEqual(['spec.validation.hostname']);
    expect(result.response.warnings).toHaveLength(1);
    expect(result.findings.map((f) => f.severity).sort()).toEqual(['deny', 'warn']);
  });

  it('reports the verdict, findings and patch operations the server logs and counts', () => {
    expect(validateRequest(requestOf(goodPolicy()), engine)).toEqual({ response: expect.anything(), verdict: 'allowed', findings: [], ops: [] });
    const bad = validateRequest(requestOf(badPolicy()), engine);
    expect(bad).toMatchObject({ verdict: 'denied', ops: [] });
    expect(bad.findings.map((f) => f.field)).toEqual(['spec.validation.hostname', 'spec.validation.subjectAltNames[0].hostname']);
    const broken: Engine = { ruleset: 'broken', evaluate: () => { throw new Error('boom'); }, mutate: () => { throw new Error('bang'); } };
    expect(validateRequest(requestOf(goodPolicy()), broken)).toEqual({ response: expect.anything(), verdict: 'errored', findings: [], ops: [] });
    expect(mutateRequest(requestOf(goodPolicy()), broken)).toEqual({ response: expect.anything(), verdict: 'errored', findings: [], ops: [] });
    const upper = withSpec((s) => (s.validation.hostname = 'DEV.example.com'));
    const m = mutateRequest(requestOf(upper), engine);
    expect(m).toMatchObject({ verdict: 'patched', findings: [] });
    expect(m.ops).toEqual([expect.objectContaining({ op: 'replace', path: '/spec/validation/hostname', value: 'dev.example.com' })]);
    expect(mutateRequest(requestOf(goodPolicy()), engine)).toEqual({ response: expect.anything(), verdict: 'allowed', findings: [], ops: [] });
  });

  it('skips with no findings and no patch operations', () => {
    const req = requestOf(badPolicy(), { operation: 'DELETE', oldObject: badPolicy() });
    expect(validateRequest(req, engine)).toEqual({ response: { uid: req.uid, allowed: true }, verdict: 'allowed', findings: [], ops: [], skipped: 'operation' });
    expect(mutateRequest(req, engine)).toEqual({ response: { uid: req.uid, allowed: true }, verdict: 'allowed', findings: [], ops: [], skipped: 'operation' });
  });

  it.each([
    ['a BackendTLSPolicy of another API group', { group: 'gateway.networking.x-k8s.io', version: 'v1alpha3', kind: 'BackendTLSPolicy' }],
    ['another kind of the Gateway API group', { group: 'gateway.networking.k8s.io', version: 'v1', kind: 'HTTPRoute' }],
  ])('skips %s as another kind', (_name, kind) => {
    const obj = { ...badPolicy(), apiVersion: `${kind.group}/${kind.version}`, kind: kind.kind };
    expect(validateRequest(requestOf(obj, { kind }), engine)).toMatchObject({ verdict: 'allowed', skipped: 'kind' });
  });

  it('evaluates a request whose subResource is empty (the main resource)', () => {
    const res = validateRequest({ ...requestOf(badPolicy()), subResource: '' }, engine);
    expect(res.verdict).toBe('denied');
    expect(res.skipped).toBeUndefined();
  });

  it('names the object from its metadata when the request carries no name (generateName)', () => {
    const p = badPolicy();
    const { name: _name, ...rest } = requestOf(p);
    const res = review(rest as AdmissionRequest, engine);
    expect(res.status?.message).toMatch(/^BackendTLSPolicy\.gateway\.networking\.k8s\.io "tls-upstream-dev" is invalid: /);
    delete (p.metadata as { name?: string }).name;
    const { name: _n2, ...generated } = requestOf({ ...p, metadata: { ...p.metadata, generateName: 'tls-' } });
    expect(review(generated as AdmissionRequest, engine).status?.details?.name).toBe('');
    // a review posted straight to the webhook: neither name is there, and the answer is still a denial
    const { metadata: _m, ...bare } = badPolicy();
    const { name: _n3, ...nameless } = requestOf(bare);
    expect(review(nameless as AdmissionRequest, engine)).toMatchObject({ allowed: false, status: { code: 422, details: { name: '' } } });
  });

  it('answers errored 500 (not a crash) when the engine throws', () => {
    const broken: Engine = { ruleset: 'broken', evaluate: () => { throw new Error('boom'); }, mutate: () => { throw new Error('bang'); } };
    const v: AdmissionResponse = review(requestOf(goodPolicy(), { uid: 'x' }), broken);
    expect(v).toEqual({ uid: 'x', allowed: false, status: { code: 500, reason: 'InternalError', message: 'evaluating the BackendTLSPolicy failed: boom' } });
    expect(reviewMutation(requestOf(goodPolicy(), { uid: 'x' }), broken).status?.message).toBe('mutating the BackendTLSPolicy failed: bang');
  });
});

describe('reviewMutation', () => {
  it('returns no patch when nothing would change', () => {
    expect(reviewMutation(requestOf(goodPolicy(), { uid: 'm0' }), engine)).toEqual({ uid: 'm0', allowed: true });
  });

  it('lower-cases hostnames, drops one trailing dot, and sets a missing core group, as a base64 JSONPatch', () => {
    const p = withSpec((s) => {
      s.validation.hostname = 'Dev.Example.COM.';
      s.validation.subjectAltNames = [{ type: 'Hostname', hostname: 'API.Example.com' }];
      delete s.targetRefs[0].group;
      delete s.validation.caCertificateRefs[0].group;
    });
    const res = reviewMutation(requestOf(p, { uid: 'm1' }), engine);
    expect(res).toMatchObject({ uid: 'm1', allowed: true, patchType: 'JSONPatch' });
    const ops = decodePatch(res) as Array<{ op: string; path: string; value?: unknown }>;
    expect(ops).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: '/spec/validation/hostname', value: 'dev.example.com' },
        { op: 'replace', path: '/spec/validation/subjectAltNames/0/hostname', value: 'api.example.com' },
        { op: 'add', path: '/spec/targetRefs/0/group', value: '' },
        { op: 'add', path: '/spec/validation/caCertificateRefs/0/group', value: '' },
      ]),
    );
    const patched = applyPatch(p, ops);
    expect(review(requestOf(patched), engine).allowed).toBe(true);
    // mutating twice gives no patch the second time
    expect(reviewMutation(requestOf(patched, { uid: 'm2' }), engine)).toEqual({ uid: 'm2', allowed: true });
  });

  it('does not patch other kinds', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Upper.' } };
    expect(reviewMutation(requestOf(cm, { uid: 'c', kind: { group: '', version: 'v1', kind: 'ConfigMap' } }), engine)).toEqual({ uid: 'c', allowed: true });
  });
});
