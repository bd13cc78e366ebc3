import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createCA } from '../../src/certs/pki.js';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');

/**
 * Runs the built engine (`make unit` builds first) in a plain Node process, whose require cache shows what
 * was loaded (Jest's module registry does not), evaluating the policy alone and then with a CA bundle.
 */
const child = `
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
const { loadEngine } = await import(process.env.ENGINE);
const forgeLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('/node-forge/'));
const policy = {
  apiVersion: 'gateway.networking.k8s.io/v1', kind: 'BackendTLSPolicy', metadata: { name: 'p', namespace: 'shop' },
  spec: { targetRefs: [{ group: '', kind: 'Service', name: 'cart' }], validation: { hostname: 'cart.example.com', caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'cart-ca' }] } },
};
const engine = loadEngine();
const alone = engine.evaluate(policy, { operation: 'CREATE' }).map((f) => f.rule);
const afterAlone = forgeLoaded();
const caMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cart-ca', namespace: 'shop' }, data: { 'ca.crt': readFileSync(0, 'utf8') } };
const references = { configMap: (ns, name) => (ns === 'shop' && name === 'cart-ca' ? caMap : undefined), service: () => undefined };
const withBundle = engine.evaluate(policy, { references, now: new Date() }).map((f) => f.rule);
console.log(JSON.stringify({ alone, afterAlone, withBundle, afterBundle: forgeLoaded() }));
`;

// node-forge costs about 5 MiB of RSS and 60 ms of start-up, measured: the engine (which the webhook runs) must never
// load it. CA bundles are read with Node's own X.509 parser, so not even a bundle may pull it in.
it('never loads node-forge, neither to evaluate a policy alone (the webhook) nor to read a CA bundle', () => {
  const ca = createCA({ commonName: 'cart-ca', days: 30 }).certPem;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', child], {
    input: ca,
    encoding: 'utf8',
    env: { ...process.env, ENGINE: join(root, 'dist/rules/engine.js'), NODE_OPTIONS: '' },
  });
  expect(run.stderr).toBe('');
  const seen = JSON.parse(run.stdout) as { alone: string[]; afterAlone: boolean; withBundle: string[]; afterBundle: boolean };
  expect(seen.alone).toEqual([]);
  expect(seen.afterAlone).toBe(false);
  // the bundle was read and parsed: a valid CA, and only the missing Service is reported
  expect(seen.withBundle).toEqual(['refs-target-service-found']);
  expect(seen.afterBundle).toBe(false);
});
