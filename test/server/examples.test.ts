/** The example reviews under examples/ (used by docs/webhook.md and the bench) say what their names say. */
import { readFileSync } from 'node:fs';
import { parseAdmissionReview } from '../../src/admission/parse.js';
import { mutateRequest, validateRequest } from '../../src/admission/review.js';
import { decodePatch, testEngine } from './helpers.js';

function load(name: string) {
  const parsed = parseAdmissionReview(JSON.parse(readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8')));
  if (parsed.kind !== 'ok') throw new Error(`${name}: ${JSON.stringify(parsed)}`);
  return parsed.request;
}

describe('examples', () => {
  it('review-denied.json is denied by /validate', () => {
    const r = validateRequest(load('review-denied.json'), testEngine());
    expect(r.verdict).toBe('denied');
    expect(r.response.status?.message).toBe(
      'BackendTLSPolicy.gateway.networking.k8s.io "payments-tls-ip" is invalid: [spec.validation.hostname: Invalid value: "10.1.2.3": must be a DNS name, not an IP address, ' +
        'spec.validation.subjectAltNames[0].hostname: Invalid value: "*.shop.example.com": must not be a wildcard hostname]',
    );
  });

  it('review-admitted.json is admitted by /validate with no warnings', () => {
    expect(validateRequest(load('review-admitted.json'), testEngine()).response).toEqual({ uid: '4f1d6b8e-2c1a-4b7e-9a55-0d3c8f6e1a01', allowed: true });
  });

  it('review-mutate.json gets a patch from /mutate', () => {
    const r = mutateRequest(load('review-mutate.json'), testEngine());
    expect(r.verdict).toBe('patched');
    expect(decodePatch(r.response)).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: '/spec/validation/hostname', value: 'payments.shop.example.com' },
        { op: 'add', path: '/spec/targetRefs/0/group', value: '' },
      ]),
    );
  });

  it('review-admitted.json gets no patch from /mutate', () => {
    expect(mutateRequest(load('review-admitted.json'), testEngine()).verdict).toBe('allowed');
  });
});
