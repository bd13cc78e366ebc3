import { parseAdmissionReview } from '../../src/admission/parse.js';
import { LIMITS, allowed, denied, errored, patched } from '../../src/admission/response.js';
import type { Finding } from '../../src/rules/types.js';
import { goodPolicy, reviewOf } from '../server/helpers.js';

function withRequest(patch: Record<string, unknown>): unknown {
  const r = reviewOf(goodPolicy(), { uid: 'u' });
  return { ...r, request: { ...(r.request as object), ...patch } };
}

describe('parseAdmissionReview', () => {
  it('accepts what kube-apiserver sends', () => {
    expect(parseAdmissionReview(reviewOf(goodPolicy(), { uid: 'u' }))).toMatchObject({ kind: 'ok', request: { uid: 'u', operation: 'CREATE' } });
  });

  it.each([
    ['a JSON array', [], /body must be a JSON object/],
    ['a JSON string', 'hello', /body must be a JSON object/],
    ['null', null, /body must be a JSON object/],
    ['admission.k8s.io/v1beta1', { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: { uid: 'u' } }, /unsupported apiVersion "admission.k8s.io\/v1beta1".*admissionReviewVersions/],
    ['no apiVersion', { kind: 'AdmissionReview', request: { uid: 'u' } }, /unsupported apiVersion nothing/],
    ['another kind', { apiVersion: 'admission.k8s.io/v1', kind: 'Pod', request: { uid: 'u' } }, /kind must be "AdmissionReview", got "Pod"/],
    ['no request', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, /request must be an object, got nothing/],
    ['no uid', withRequest({ uid: undefined }), /request.uid is required/],
    ['an empty uid', withRequest({ uid: '' }), /request.uid is required/],
    ['a numeric uid', withRequest({ uid: 7 }), /request.uid is required .* got a number/],
    ['a 10 kB uid', withRequest({ uid: 'x'.repeat(10_000) }), /longer than 128/],
  ])('answers HTTP 400 (no review can be built) for %s', (_name, body, message) => {
    const r = parseAdmissionReview(body);
    expect(r.kind).toBe('bad-request');
    expect(r.kind === 'bad-request' && r.message).toMatch(message);
  });

  it.each([
    ['an unknown operation', { operation: 'PATCH' }, /request.operation must be one of CREATE, UPDATE, DELETE, CONNECT, got "PATCH"/],
    ['kind as a string', { kind: 'BackendTLSPolicy' }, /request.kind must be an object/],
    ['kind without group', { kind: { version: 'v1', kind: 'BackendTLSPolicy' } }, /request.kind.group must be a string, got nothing/],
    ['a numeric name', { name: 5 }, /request.name must be a string/],
    ['dryRun as a string', { dryRun: 'true' }, /request.dryRun must be a boolean/],
    ['object as an array on CREATE', { object: [1, 2] }, /request.object must be an object on CREATE, got an array/],
    ['no object on CREATE', { object: undefined }, /request.object must be an object on CREATE/],
    ['no oldObject on UPDATE', { operation: 'UPDATE', oldObject: null }, /request.oldObject must be an object on UPDATE, got null/],
  ])('answers a review with allowed false and status 400 (uid known) for %s', (_name, patch, message) => {
    const r = parseAdmissionReview(withRequest(patch));
    expect(r).toMatchObject({ kind: 'errored', uid: 'u' });
    expect(r.kind === 'errored' && r.message).toMatch(message);
  });

  it('accepts DELETE with a null object', () => {
    expect(parseAdmissionReview(withRequest({ operation: 'DELETE', object: null, oldObject: goodPolicy() })).kind).toBe('ok');
  });

  it.each([
    ['CONNECT with no object', { operation: 'CONNECT', object: undefined }],
    ['DELETE with no object at all', { operation: 'DELETE', object: undefined, oldObject: goodPolicy() }],
    ['no dryRun field (it is optional)', { dryRun: undefined }],
    ['CREATE with no oldObject field', { oldObject: undefined }],
    ['a uid of exactly 128 characters', { uid: 'u'.repeat(128) }],
  ])('accepts %s', (_name, patch) => {
    expect(parseAdmissionReview(withRequest(patch)).kind).toBe('ok');
  });

  it.each([
    ['a numeric namespace', { namespace: 5 }, /^malformed AdmissionReview: request.namespace must be a string, got a number$/],
    ['a boolean subResource', { subResource: true }, /request.subResource must be a string, got a boolean/],
    ['kind without version', { kind: { group: 'g', kind: 'K' } }, /request.kind.version must be a string, got nothing/],
    ['kind with a numeric kind', { kind: { group: 'g', version: 'v1', kind: 1 } }, /request.kind.kind must be a string, got a number/],
    ['no object on UPDATE', { operation: 'UPDATE', object: undefined, oldObject: goodPolicy() }, /request.object must be an object on UPDATE, got nothing/],
    ['a string object on DELETE', { operation: 'DELETE', object: 'x' }, /request.object must be an object or null, got a string/],
    ['an array oldObject on CREATE', { oldObject: [] }, /request.oldObject must be an object or null, got an array/],
  ])('names the field at fault for %s', (_name, patch, message) => {
    const r = parseAdmissionReview(withRequest(patch));
    expect(r).toMatchObject({ kind: 'errored', uid: 'u' });
    expect(r.kind === 'errored' && r.message).toMatch(message);
  });

  it('keeps the well-typed fields of a malformed request for the log and the metrics', () => {
    expect(parseAdmissionReview(withRequest({ operation: 'UPDATE', name: 'p', namespace: 'ns', oldObject: 7 }))).toMatchObject({
      kind: 'errored',
      facts: { operation: 'UPDATE', name: 'p', namespace: 'ns' },
    });
    const r = parseAdmissionReview(withRequest({ operation: 'PATCH', name: 5, namespace: null }));
    expect(r.kind === 'errored' && r.facts).toEqual({});
  });

  it('echoes at most 64 characters of a value it quotes', () => {
    const at = (apiVersion: string) => {
      const r = parseAdmissionReview({ apiVersion, kind: 'AdmissionReview', request: { uid: 'u' } });
      return r.kind === 'bad-request' ? r.message : '';
    };
    expect(at('v'.repeat(64))).toContain(`unsupported apiVersion "${'v'.repeat(64)}":`);
    expect(at('v'.repeat(10_000))).toContain(`unsupported apiVersion "${'v'.repeat(64)}...":`);
  });
});

describe('response constructors', () => {
  const f = (i: number, severity: Finding['severity'] = 'deny'): Finding => ({
    rule: `r${i}`,
    field: `spec.x[${i}]`,
    message: `Invalid value: ${i}: bad`,
    severity,
    reason: 'FieldValueInvalid',
  });

  it('allowed() carries warnings only when there are some', () => {
    expect(allowed()).toEqual({ allowed: true });
    expect(allowed(['a: b'])).toEqual({ allowed: true, warnings: ['a: b'] });
  });

  it('denied() keeps warn findings as warnings and prints each distinct error once', () => {
    const d = denied([f(1), f(1), f(2, 'warn')], 'p');
    expect(d.status?.message).toBe('BackendTLSPolicy.gateway.networking.k8s.io "p" is invalid: spec.x[1]: Invalid value: 1: bad');
    expect(d.status?.details?.causes).toHaveLength(2);
    expect(d.warnings).toEqual(['spec.x[2]: Invalid value: 2: bad']);
  });

  it('denied() bounds the number of causes and the length of each message', () => {
    const many = Array.from({ length: 1000 }, (_, i) => f(i));
    many[0] = { ...many[0]!, message: 'y'.repeat(100_000) };
    const d = denied(many, 'p');
    expect(d.status?.details?.causes).toHaveLength(LIMITS.causes);
    expect(d.status?.message.length).toBeLessThan(20_000);
    expect(d.status?.message.length).toBeLessThanOrEqual(LIMITS.totalMessageChars + 40);
    expect(d.status?.message).toContain('<nil>: Too many: 1000 errors, only the first 100 are shown]');
  });

  it('denied() cuts field paths and names that carry huge values', () => {
    const long = 'k'.repeat(100_000);
    const d = denied([{ ...f(1), field: `spec.options.${long}` }], long);
    expect(d.status?.details?.causes?.[0]?.field?.length).toBeLessThan(2100);
    expect(d.status?.details?.name?.length).toBeLessThan(2100);
    expect(d.status?.message.length).toBeLessThan(10_000);
  });

  it('denied() refuses to deny without a deny finding', () => {
    expect(() => denied([f(1, 'warn')], 'p')).toThrow(/at least one deny/);
  });

  it('patched() with no operations is a plain allow', () => {
    expect(patched([])).toEqual({ allowed: true });
    const p = patched([{ op: 'add', path: '/a', value: '' }]);
    expect(p).toEqual({ allowed: true, patchType: 'JSONPatch', patch: Buffer.from('[{"op":"add","path":"/a","value":""}]').toString('base64') });
  });

  it('errored() names the reason of the code', () => {
    expect(errored(400, 'm')).toEqual({ allowed: false, status: { code: 400, reason: 'BadRequest', message: 'm' } });
    expect(errored(500, 'm').status?.reason).toBe('InternalError');
  });

  it('warnings drop control characters (the apiserver would drop the whole warning)', () => {
    expect(allowed(['a:\u0007 b\nc']).warnings).toEqual(['a:  b c']);
  });

  it('denied() without warn findings carries no warnings field', () => {
    expect(denied([f(1)], 'p')).not.toHaveProperty('warnings');
  });

  it(`keeps the first ${LIMITS.warnings} warnings and counts the rest`, () => {
    const ws = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`);
    expect(allowed(ws(LIMITS.warnings)).warnings).toEqual(ws(LIMITS.warnings));
    const out = allowed(ws(LIMITS.warnings + 10)).warnings;
    expect(out).toEqual([...ws(LIMITS.warnings), '10 more warnings not shown']);
  });

  it(`cuts a message past ${LIMITS.messageChars} characters and says how long it was`, () => {
    const exact = 'm'.repeat(LIMITS.messageChars);
    expect(errored(400, exact).status?.message).toBe(exact);
    expect(errored(400, `${exact}xyz`).status?.message).toBe(`${exact}... (truncated, ${LIMITS.messageChars + 3} chars)`);
  });
});
