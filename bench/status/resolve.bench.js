// Benchmark of the status writer's pure core (run `npm run build` first):
//   node bench/status/resolve.bench.js
// 5,000 BackendTLSPolicies, 5,000 Services, 5,000 ConfigMaps, 1,000 HTTPRoutes, 10 Gateways, cloned from
// the shapes in test/fixtures/status/backendtlspolicy.yaml. Then one ConfigMap changes, and only the
// policies the dependency index names are re-resolved. Prints times and counts; asserts only correctness.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadAll } from 'js-yaml';
import forge from 'node-forge';
import { createResolver, buildDependencyIndex, resolveStatus, statusEqual } from '../../dist/status/index.js';

const POLICIES = 5000;
const ROUTES = 1000;
const GATEWAYS = 10;
const NAMESPACES = 10;
const DISTINCT_CAS = 20;
const CONTROLLER = 'btls.example.com/gateway-controller';

const fixture = fileURLToPath(new URL('../../test/fixtures/status/backendtlspolicy.yaml', import.meta.url));
const docs = loadAll(readFileSync(fixture, 'utf8'));
const tpl = (kind, name) => structuredClone(docs.find((d) => d.kind === kind && d.metadata.name === name));
const policyTpl = tpl('BackendTLSPolicy', 'normative-test');
const serviceTpl = tpl('Service', 'backendtlspolicy-test');
const routeTpl = tpl('HTTPRoute', 'backendtlspolicy');

// throwaway CAs, made here (no keys on disk); ConfigMaps share them as real clusters share a few CAs
const keys = forge.pki.rsa.generateKeyPair({ bits: 1024 });
const pems = Array.from({ length: DISTINCT_CAS }, (_, i) => {
  const c = forge.pki.createCertificate();
  c.publicKey = keys.publicKey;
  c.serialNumber = String(10 + i);
  c.validity.notBefore = new Date(Date.now() - 86400000);
  c.validity.notAfter = new Date(Date.now() + 365 * 86400000);
  c.setSubject([{ name: 'commonName', value: `bench CA ${i}` }]);
  c.setIssuer([{ name: 'commonName', value: `bench CA ${i}` }]);
  c.sign(keys.privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(c);
});

const ns = (i) => `ns-${i % NAMESPACES}`;
const services = new Map();
const configMaps = new Map();
const policies = [];
for (let i = 0; i < POLICIES; i++) {
  const s = structuredClone(serviceTpl);
  s.metadata = { name: `svc-${i}`, namespace: ns(i) };
  services.set(`${ns(i)}/svc-${i}`, s);
  configMaps.set(`${ns(i)}/ca-${i}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `ca-${i}`, namespace: ns(i) }, data: { 'ca.crt': pems[i % DISTINCT_CAS] } });
  const p = structuredClone(policyTpl);
  p.metadata = { name: `policy-${i}`, namespace: ns(i), generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' };
  p.spec.targetRefs[0].name = `svc-${i}`;
  p.spec.validation.caCertificateRefs[0].name = `ca-${i}`;
  policies.push(p);
}
const gateways = Array.from({ length: GATEWAYS }, (_, g) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: `gw-${g}`, namespace: 'infra' }, spec: { gatewayClassName: 'bench' } }));
const routes = [];
const perRoute = POLICIES / ROUTES;
for (let r = 0; r < ROUTES; r++) {
  // Services r, r+1000, ... share r's namespace (1000 is a multiple of NAMESPACES), so no grant is needed
  const route = structuredClone(routeTpl);
  route.metadata = { name: `route-${r}`, namespace: ns(r) };
  route.spec.parentRefs = [{ name: `gw-${r % GATEWAYS}`, namespace: 'infra' }];
  route.spec.rules = Array.from({ length: perRoute }, (_, k) => ({ backendRefs: [{ group: '', kind: 'Service', name: `svc-${r + k * ROUTES}`, port: 443 }] }));
  routes.push(route);
}
// grants exist as in a real cluster; same-namespace backendRefs need none
const grants = Array.from({ length: NAMESPACES }, (_, n) => ({
  kind: 'ReferenceGrant', metadata: { name: 'routes', namespace: `ns-${n}` },
  spec: { from: Array.from({ length: NAMESPACES }, (_, m) => ({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: `ns-${m}` })), to: [{ group: '', kind: 'Service' }] },
}));

// the same shape the controller hands over: lists to walk, look-ups backed by maps it keeps current
const snapshot = {
  policies, routes, gateways,
  gatewayClasses: [{ kind: 'GatewayClass', metadata: { name: 'bench' }, spec: { controllerName: CONTROLLER } }],
  referenceGrants: grants,
  service: (n, name) => services.get(`${n}/${name}`),
  configMap: (n, name) => configMaps.get(`${n}/${name}`),
  secret: () => undefined,
};
const options = { controllerName: CONTROLLER, now: new Date() };

function ms(t0) {
  return performance.now() - t0;
}

// full resolution, twice: the first includes parsing the distinct CA PEMs and JIT warm-up
let t0 = performance.now();
let all = resolveStatus(snapshot, options);
const coldMs = ms(t0);
t0 = performance.now();
all = resolveStatus(snapshot, options);
const fullMs = ms(t0);
const accepted = all.filter((r) => r.status.ancestors[0]?.conditions[0]?.status === 'True').length;
if (all.length !== POLICIES || accepted !== POLICIES) throw new Error(`expected ${POLICIES} accepted policies, got ${accepted}/${all.length}`);

t0 = performance.now();
const resolver = createResolver(snapshot, options);
const index = buildDependencyIndex(snapshot, resolver.ancestors, resolver.conflicts);
const indexMs = ms(t0);

// store what was computed, as the API server would hold it
const stored = new Map(all.map((r) => [`${r.namespace}/${r.name}`, r.status]));
for (const p of policies) p.status = stored.get(`${p.metadata.namespace}/${p.metadata.name}`);

// incremental: one ConfigMap loses its ca.crt
const changed = configMaps.get('ns-2/ca-42');
configMaps.set('ns-2/ca-42', { ...changed, data: { 'ca.crt': '' } });
const byKey = new Map(policies.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p])); // the informer cache's get()
t0 = performance.now();
const affected = index.affectedBy({ kind: 'ConfigMap', metadata: { name: 'ca-42', namespace: 'ns-2' } });
const incremental = [...affected].map((k) => resolver.resolve(byKey.get(k)));
const incMs = ms(t0);
const writes = incremental.filter((r) => !statusEqual(r.status, stored.get(`${r.namespace}/${r.name}`)));
if (affected.size !== 1 || writes.length !== 1 || writes[0].status.ancestors[0].conditions[0].reason !== 'NoValidCACertificate') {
  throw new Error(`incremental change: expected 1 policy re-resolved and flipped, got ${affected.size} / ${writes.length}`);
}

// steady state: a full resync against the stored status writes nothing
t0 = performance.now();
configMaps.set('ns-2/ca-42', changed);
const resync = resolveStatus(snapshot, options).filter((r) => !statusEqual(r.status, stored.get(`${r.namespace}/${r.name}`)));
const resyncMs = ms(t0);

const f = (x) => x.toFixed(1).padStart(8);
console.log(`objects: ${POLICIES} policies, ${services.size} Services, ${configMaps.size} ConfigMaps (${DISTINCT_CAS} distinct CAs), ${ROUTES} HTTPRoutes, ${GATEWAYS} Gateways`);
console.log(`full resolve, cold (parses CAs):      ${f(coldMs)} ms`);
console.log(`full resolve, warm:                   ${f(fullMs)} ms   (${(fullMs * 1000 / POLICIES).toFixed(1)} us/policy)`);
console.log(`resolver + dependency index build:    ${f(indexMs)} ms   (${index.size} edges)`);
console.log(`one ConfigMap changed: re-resolved ${affected.size} of ${POLICIES} policies in ${f(incMs).trim()} ms; ${writes.length} write needed`);
console.log(`speed-up of incremental over full:    ${(fullMs / Math.max(incMs, 0.001)).toFixed(0)}x`);
console.log(`resync after restoring it: ${resync.length} of ${POLICIES} differ from the stored status (zero writes at steady state), ${f(resyncMs).trim()} ms`);
