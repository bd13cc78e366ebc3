/**
 * Metrics, logs, readiness and the error catalogue. Over HTTPS rather than inject(): light-my-request loads
 * the ESM-only `cookie` package through require(), which jest cannot do on Node 20.
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ERRORS } from '../../src/server/errors.js';
import { startServer, type RunningServer } from '../../src/server/main.js';
import { badPolicy, call, goodPolicy, makePki, reviewOf, testEngine, type TestPki } from './helpers.js';

let pki: TestPki;
let server: RunningServer;
const logs: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  pki = makePki();
  const sink = new Writable({ write: (chunk, _enc, cb) => (logs.push(JSON.parse(String(chunk))), cb()) });
  server = await startServer({
    engine: testEngine(),
    tls: { certFile: pki.certFile, keyFile: pki.keyFile, watch: false, pollIntervalMs: 0 },
    logger: pino({ level: 'info' }, sink),
    host: '127.0.0.1',
    port: 0,
  });
});
afterAll(async () => {
  await server.shutdown();
});

const post = async (path: string, review: unknown, contentType = 'application/json') => {
  const res = await call(`${server.url}${path}`, { ca: pki.caPem, body: typeof review === 'string' ? review : JSON.stringify(review), contentType });
  return { statusCode: res.status, json: () => res.json };
};
const get = (path: string) => call(`${server.url}${path}`, { ca: pki.caPem });

async function metricValue(line: string): Promise<number> {
  const text = (await get('/metrics')).text;
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found ? Number(found.slice(line.length + 1)) : 0;
}

describe('metrics', () => {
  it('count reviews by webhook, operation and decision, denials by rule, and latency', async () => {
    const denied = 'btls_admission_reviews_total{webhook="validate",operation="CREATE",decision="denied"}';
    const allowedUpdate = 'btls_admission_reviews_total{webhook="validate",operation="UPDATE",decision="allowed"}';
    const patched = 'btls_admission_reviews_total{webhook="mutate",operation="CREATE",decision="patched"}';
    const rule = 'btls_admission_denials_total{rule="hostname-not-ip"}';
    const latency = 'btls_admission_review_duration_seconds_count{webhook="validate"}';
    const before = await Promise.all([denied, allowedUpdate, patched, rule, latency].map(metricValue));

    await post('/validate', reviewOf(badPolicy()));
    await post('/validate', reviewOf(badPolicy()));
    await post('/validate', reviewOf(goodPolicy(), { operation: 'UPDATE', oldObject: goodPolicy() }));
    const upper = goodPolicy() as any;
    upper.spec.validation.hostname = 'DEV.example.com';
    await post('/mutate', reviewOf(upper));

    const after = await Promise.all([denied, allowedUpdate, patched, rule, latency].map(metricValue));
    expect(after.map((v, i) => v - before[i]!)).toEqual([2, 1, 1, 2, 3]);
  });

  it('time each review from its arrival: a 40 ms evaluation lands in the bucket of its duration', async () => {
    const slowEngine = { ...testEngine() };
    slowEngine.evaluate = (object, context) => {
      // performance.now(), the server's clock: Date.now() counts whole milliseconds, so 40 of them could last 39.1 ms
      const until = performance.now() + 40;
      while (performance.now() < until); // the evaluation itself takes the time, as a slow rule would
      return testEngine().evaluate(object, context);
    };
    const slow = await startServer({
      engine: slowEngine,
      tls: { certFile: pki.certFile, keyFile: pki.keyFile, watch: false, pollIntervalMs: 0 },
      host: '127.0.0.1',
      port: 0,
    });
    try {
      await call(`${slow.url}/validate`, { ca: pki.caPem, body: JSON.stringify(reviewOf(goodPolicy())), contentType: 'application/json' });
      const text = (await call(`${slow.url}/metrics`, { ca: pki.caPem })).text;
      const value = (line: string) => Number(text.split('\n').find((l) => l.startsWith(`${line} `))?.slice(line.length + 1));
      const series = (name: string, le?: string) =>
        `btls_admission_review_duration_seconds_${name}{${le ? `le="${le}",` : ''}webhook="validate"}`;
      expect(value(series('count'))).toBe(1);
      expect(value(series('sum'))).toBeGreaterThanOrEqual(0.04);
      expect(value(series('sum'))).toBeLessThan(5);
      expect(value(series('bucket', '0.025'))).toBe(0);
      // 0.05 s unless a busy machine stretched the review past it: the bucket must agree with the sum
      expect(value(series('bucket', '0.05'))).toBe(value(series('sum')) <= 0.05 ? 1 : 0);
      expect(value(series('bucket', '+Inf'))).toBe(1);
    } finally {
      await slow.shutdown();
    }
  });

  it('count requests rejected before any review, by error code', async () => {
    const line = 'btls_http_rejected_requests_total{code="BTLS_ERR_UNSUPPORTED_MEDIA_TYPE"}';
    const before = await metricValue(line);
    expect((await post('/validate', {}, 'text/plain')).statusCode).toBe(415);
    expect(await metricValue(line)).toBe(before + 1);
  });

  it('include process metrics and the certificate expiry', async () => {
    const text = (await get('/metrics')).text;
    expect(text).toContain('process_resident_memory_bytes');
    expect(await metricValue('btls_tls_certificate_not_after_seconds')).toBeGreaterThan(Date.now() / 1000);
  });
});

describe('logs', () => {
  it('write one JSON line per review with uid, object, decision and rule ids', async () => {
    await post('/validate', reviewOf(badPolicy(), { uid: 'log-1' }));
    const line = logs.find((l) => l.uid === 'log-1');
    expect(line).toMatchObject({
      level: 30,
      msg: 'admission review',
      webhook: 'validate',
      uid: 'log-1',
      operation: 'CREATE',
      kind: 'gateway.networking.k8s.io/v1/BackendTLSPolicy',
      namespace: 'default',
      name: 'tls-upstream-dev',
      decision: 'denied',
      denied: ['hostname-not-ip', 'san-hostname-not-wildcard'],
    });
  });

  it('log a kind the webhook does not check', async () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' } };
    const res = await post('/validate', reviewOf(svc, { uid: 'log-2', kind: { group: '', version: 'v1', kind: 'Service' } }));
    expect(res.json().response).toEqual({ uid: 'log-2', allowed: true });
    expect(logs.find((l) => l.uid === 'log-2')).toMatchObject({ msg: 'admitted a kind this webhook does not check', skipped: 'kind', kind: '/v1/Service' });
  });

  it('log clean admissions at debug only, and patches at info', async () => {
    await post('/validate', reviewOf(goodPolicy(), { uid: 'log-3' }));
    expect(logs.find((l) => l.uid === 'log-3')).toBeUndefined();
    const patchable = goodPolicy() as any;
    patchable.spec.validation.hostname = 'API.Example.com.';
    await post('/mutate', reviewOf(patchable, { uid: 'log-4' }));
    expect(logs.find((l) => l.uid === 'log-4')).toMatchObject({ level: 30, decision: 'patched', patchOps: 1, mutated: ['mutate-hostname-canonical'] });
    const log = server.app.btls.log;
    log.level = 'debug';
    try {
      await post('/validate', reviewOf(goodPolicy(), { uid: 'log-5' }));
    } finally {
      log.level = 'info';
    }
    expect(logs.find((l) => l.uid === 'log-5')).toMatchObject({ level: 20, msg: 'admission review', decision: 'allowed', name: 'tls-upstream-dev' });
  });

  it('log and count a malformed review with what it does tell: operation, namespace, name', async () => {
    const line = 'btls_admission_reviews_total{webhook="validate",operation="UPDATE",decision="errored"}';
    const before = await metricValue(line);
    const res = await post('/validate', reviewOf(goodPolicy(), { uid: 'log-6', operation: 'UPDATE' })); // no oldObject
    expect(res.json().response).toMatchObject({ uid: 'log-6', allowed: false, status: { code: 400 } });
    expect(logs.find((l) => l.uid === 'log-6')).toMatchObject({ level: 40, operation: 'UPDATE', namespace: 'default', name: 'tls-upstream-dev', decision: 'errored' });
    expect(await metricValue(line)).toBe(before + 1);
  });

  it('log rejected requests at warn with their code', async () => {
    await post('/validate', '{nope');
    expect(logs.some((l) => l.level === 40 && l.code === 'BTLS_ERR_INVALID_JSON' && l.msg === 'request rejected')).toBe(true);
  });
});

describe('readiness', () => {
  it('is ready with rules and certificate loaded, and not ready once draining', async () => {
    expect((await get('/readyz')).status).toBe(200);
    expect(server.app.btls.readiness()).toEqual({ ready: true, reasons: [] });
    server.app.btls.drain();
    expect((await get('/readyz')).json).toEqual({ statusCode: 503, code: 'BTLS_ERR_NOT_READY', error: 'Service Unavailable', message: 'not ready: shutting down' });
  });
});

describe('error catalogue', () => {
  const docs = readFileSync(new URL('../../docs/webhook.md', import.meta.url), 'utf8');
  it('documents every error code the server answers with', () => {
    for (const code of Object.keys(ERRORS)) expect(docs).toContain(`\`${code}\``);
  });
  it('documents no error code the server does not have', () => {
    const documented = new Set(docs.match(/BTLS_ERR_[A-Z_]+/g) ?? []);
    expect([...documented].filter((c) => !(c in ERRORS))).toEqual([]);
  });
});
