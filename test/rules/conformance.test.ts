import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine } from '../../src/rules/engine.js';
import { parseManifests } from '../../src/manifests/parse.js';

// test/fixtures/conformance is generated from sigs.k8s.io/gateway-api/conformance (make generate)
const dir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../fixtures/conformance');
const policies = readdirSync(dir).flatMap((file) =>
  parseManifests(readFileSync(join(dir, file), 'utf8'), file).objects.map((o) => [`${file} ${o.object.metadata?.name}`, o.object] as const),
);

describe('the upstream conformance suite', () => {
  it('has BackendTLSPolicies to check', () => {
    expect(policies.length).toBeGreaterThanOrEqual(20);
  });

  const engines = { default: loadEngine({ ruleset: 'default' }), crd: loadEngine({ ruleset: 'crd' }) };
  it.each(policies)('%s gets no denial from the default or crd rule set', (_name, policy) => {
    const object = { ...policy, metadata: { namespace: 'gateway-conformance-infra', ...policy.metadata } };
    for (const engine of Object.values(engines)) {
      const denials = engine.evaluate(object).filter((f) => f.severity === 'deny');
      expect(denials).toEqual([]);
    }
  });
});
