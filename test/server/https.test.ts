/**
 * The webhook over real HTTPS on an ephemeral port: the happy paths, then each class of hostile input.
 * Every hostile request must get a clear 4xx or a clear denial within ~2 s, and /healthz must answer after it.
 */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { request as httpsRequest } from 'node:https';
import { startServer, type RunningServer } from '../../src/server/main.js';
import { badPolicy, call, decodePatch, goodPolicy, makePki, postReview, reviewOf, testEngine, testEngineWithCrd, type TestPki } from './helpers.js';

let pki: TestPki;
let server: RunningServer;
/** `btls serve` as shipped (`--crd-rules auto`: only the CRD's types are checked again) */
let shipped: RunningServer;
const FAST_MS = 2000;

beforeAll(async () => {
  pki = makePki();
  server = await startServer({
    // the CRD's rules enforced (`--crd-rules enforce`): hostile values then also reach the schema's patterns and limits
    engine: testEngineWithCrd(),
    tls: { certFile: pki.certFile, keyFile: pki.keyFile, watch: false, pollIntervalMs: 0 },
    host: '127.0.0.1',
    port: 0,
  });
  shipped = await startServer({
    engine: testEngine(),
    tls: { certFile: pki.certFile, keyFile: pki.keyFile, watch: false, pollIntervalMs: 0 },
    host: '127.0.0.1',
    port: 0,
  });
});

afterAll(async () => {
  await server.shutdown('tests done');
  await shipped.shutdown('tests done');
});

const url = (path: string): string => `${server.url}${path}`;

async function expectHealthy(): Promise<void> {
  const res = await call(url('/healthz'), { ca: pki.caPem });
  expect(res.status).toBe(200);
  expect(res.json).toEqual({ status: 'ok' });
}

function postRaw(path: string, body: string | Buffer, contentType: string | null = 'application/json') {
  return call(url(path), { ca: pki.caPem, body, contentType, timeoutMs: 10_000 });
}

describe('admission over HTTPS', () => {
  it('denies a bad BackendTLSPolicy with the apiserver shape, echoing the uid', async () => {
    const res = await postReview(url('/validate'), pki.caPem, reviewOf(badPolicy(), { uid: 'deny-1' }));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'deny-1', allowed: false, status: { code: 422, reason: 'Invalid', details: { kind: 'BackendTLSPolicy' } } },
    });
  });

  it('admits a good BackendTLSPolicy when the apiserver appends ?timeout=5s', async () => {
    const res = await postReview(url('/validate?timeout=5s'), pki.caPem, reviewOf(goodPolicy(), { uid: 'ok-1' }));
    expect(res.status).toBe(200);
    expect(res.json.response).toEqual({ uid: 'ok-1', allowed: true });
  });

  it('patches on /mutate', async () => {
    const p = goodPolicy() as any;
    p.spec.validation.hostname = 'Dev.Example.com.';
    const res = await postReview(url('/mutate?timeout=5s'), pki.caPem, reviewOf(p, { uid: 'mut-1' }));
    expect(res.json.response).toMatchObject({ uid: 'mut-1', allowed: true, patchType: 'JSONPatch' });
    expect(decodePatch(res.json.response)).toEqual([{ op: 'replace', path: '/spec/validation/hostname', value: 'dev.example.com' }]);
  });

  it('is ready and serves metrics', async () => {
    expect((await call(url('/readyz'), { ca: pki.caPem })).json).toEqual({ status: 'ready' });
    const m = await call(url('/metrics'), { ca: pki.caPem });
    expect(m.status).toBe(200);
    expect(m.headers['content-type']).toMatch(/^text\/plain/);
    expect(m.text).toContain('btls_admission_reviews_total');
  });

  it('refuses TLS below 1.2', async () => {
    const err = await new Promise<Error | undefined>((resolve) => {
      const s = tlsConnect({ host: '127.0.0.1', port: server.port, ca: pki.caPem, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }, () => {
        s.destroy();
        resolve(undefined);
      });
      s.on('error', resolve);
    });
    expect(err).toBeDefined();
    expect(String((err as Error).message)).toMatch(/version|protocol|alert/i);
    await expectHealthy();
  });
});

describe('hostile and malformed input', () => {
  afterEach(async () => {
    await expectHealthy();
  });

  it('answers 400 to a body that is not JSON', async () => {
    const res = await postRaw('/validate', '{"apiVersion": "admission.k8s.io/v1", kind: ');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ statusCode: 400, code: 'BTLS_ERR_INVALID_JSON' });
    expect(res.json.message).toMatch(/^request body is not valid JSON: /);
    expect(res.ms).toBeLessThan(FAST_MS);
  });

  it('answers 400 to an empty body', async () => {
    const res = await postRaw('/validate', '');
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('BTLS_ERR_INVALID_JSON');
  });

  it.each([
    ['a JSON array', '[1,2,3]', /body must be a JSON object/],
    ['a JSON number', '42', /body must be a JSON object/],
    ['an object that is not a review', '{"hello":"world"}', /unsupported apiVersion nothing/],
  ])('answers 400 to JSON of the wrong shape: %s', async (_name, body, message) => {
    const res = await postRaw('/validate', body);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('BTLS_ERR_BAD_REVIEW');
    expect(res.json.message).toMatch(message);
  });

  it('answers 400 to a review without uid', async () => {
    const r = reviewOf(goodPolicy()) as any;
    delete r.request.uid;
    const res = await postRaw('/validate', JSON.stringify(r));
    expect(res.status).toBe(400);
    expect(res.json.message).toBe('not an AdmissionReview this webhook can answer: request.uid is required (a non-empty string), got nothing');
  });

  it('answers 400 to an unknown apiVersion (admission.k8s.io/v1beta1)', async () => {
    const r = { ...reviewOf(goodPolicy()), apiVersion: 'admission.k8s.io/v1beta1' };
    const res = await postRaw('/mutate', JSON.stringify(r));
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/unsupported apiVersion "admission.k8s.io\/v1beta1"/);
  });

  it('answers a review with allowed false and status 400 when the request has a uid but the wrong shape', async () => {
    const r = reviewOf(goodPolicy(), { uid: 'shape-1' }) as any;
    r.request.operation = 'PATCH';
    const res = await postRaw('/validate', JSON.stringify(r));
    expect(res.status).toBe(200);
    expect(res.json.response).toMatchObject({ uid: 'shape-1', allowed: false, status: { code: 400, reason: 'BadRequest' } });
    expect(res.json.response.status.message).toMatch(/request.operation must be one of/);
  });

  it.each([
    ['--crd-rules enforce', () => server],
    ['--crd-rules auto, as shipped', () => shipped],
  ])('denies an object whose fields have the wrong types, in the apiserver wording (%s)', async (_mode, which) => {
    const at = (path: string) => `${which().url}${path}`;
    const p = goodPolicy() as any;
    p.spec.validation = { hostname: ['a'], caCertificateRefs: { name: 1 } };
    p.spec.targetRefs = 7;
    const res = await postReview(at('/validate'), pki.caPem, reviewOf(p, { uid: 'types-1' }));
    expect(res.status).toBe(200);
    expect(res.json.response).toMatchObject({ uid: 'types-1', allowed: false, status: { code: 422 } });
    expect(res.json.response.status.message).toContain('spec.targetRefs in body must be of type array');
    expect(res.json.response.status.message).toContain('spec.validation.hostname in body must be of type string');
    expect(res.json.response.status.message).not.toContain('could not be evaluated');
    // metadata that Go cannot decode is answered alone, as the apiserver's decoder does
    p.metadata.labels = { nested: { deeper: true } };
    const meta = await postReview(at('/validate'), pki.caPem, reviewOf(p, { uid: 'types-3' }));
    expect(meta.json.response.status.message).toContain('json: cannot unmarshal object into Go struct field ObjectMeta.labels of type string');
    const m = await postReview(at('/mutate'), pki.caPem, reviewOf(p, { uid: 'types-2' }));
    expect(m.json.response).toMatchObject({ uid: 'types-2', allowed: true });
  });

  it('answers 400 to deeply nested JSON (100k levels) without parsing it', async () => {
    const res = await postRaw('/validate', '['.repeat(100_000) + ']'.repeat(100_000));
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'BTLS_ERR_JSON_TOO_DEEP', message: 'request body nests JSON deeper than 64 levels' });
    expect(res.ms).toBeLessThan(FAST_MS);
  });

  it('answers 400 to a review whose object nests 80 levels deep in an annotation-like field', async () => {
    const p = goodPolicy() as any;
    let node: any = {};
    p.spec.options = node;
    for (let i = 0; i < 80; i++) node = node.x = {};
    const res = await postReview(url('/validate'), pki.caPem, reviewOf(p));
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('BTLS_ERR_JSON_TOO_DEEP');
  });

  it.each([
    ['{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","__proto__":{"polluted":true}}'],
    ['{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"p","object":{"\\u005f_proto__":{}}}}'],
    ['{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"constructor":{"prototype":{"x":1}}}}'],
  ])('answers 400 to a prototype key (prototype poisoning): %s', async (body) => {
    const res = await postRaw('/validate', body);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('BTLS_ERR_INVALID_JSON');
    expect(res.json.message).toContain('prototype poisoning');
  });

  it('accepts a 3 MiB review and answers it', async () => {
    const p = goodPolicy() as any;
    p.metadata.annotations = { 'example.com/blob': 'x'.repeat(3 * 1024 * 1024) };
    const body = JSON.stringify(reviewOf(p, { uid: 'big-1' }));
    expect(body.length).toBeGreaterThan(3 * 1024 * 1024);
    const res = await postRaw('/validate', body);
    expect(res.status).toBe(200);
    expect(res.json.response.uid).toBe('big-1');
    expect(res.ms).toBeLessThan(FAST_MS);
  });

  it('answers 413 to a body over the limit (Content-Length known)', async () => {
    const body = Buffer.alloc(6 * 1024 * 1024 + 1, 0x20);
    const res = await postRaw('/validate', body).catch((err: Error) => ({ status: -1, json: undefined, err }));
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ code: 'BTLS_ERR_BODY_TOO_LARGE', message: 'request body is larger than the limit of 6291456 bytes' });
  });

  it('lets a client that sends its whole body before reading see the 413, and keeps its connection', async () => {
    // as Python's http.client does: a server that closed with the body unread made its writes fail (EPIPE)
    const { port } = new URL(server.url);
    const body = Buffer.alloc(7 * 1024 * 1024, 0x20);
    const request = (length: number) =>
      `POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
    const small = JSON.stringify(reviewOf(goodPolicy(), { uid: 'after-413' }));
    const answers = await new Promise<string>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: Number(port), ca: pki.caPem, servername: 'localhost' }, () => {
        socket.write(request(body.length));
        socket.write(body, (err) => {
          if (err) return reject(err);
          socket.write(request(Buffer.byteLength(small)) + small); // a second request on the same connection
          let text = '';
          socket.on('data', (d) => {
            text += d;
            if (text.includes('after-413')) resolve(text);
          });
          socket.on('end', () => resolve(text));
        });
      });
      socket.on('error', reject);
      socket.setTimeout(10_000, () => reject(new Error('no answer')));
    });
    expect(answers).toMatch(/^HTTP\/1\.1 413 /);
    expect(answers).toContain('BTLS_ERR_BODY_TOO_LARGE');
    expect(answers).toContain('"uid":"after-413","allowed":true');
  });

  it('answers 413 to a chunked body that grows over the limit', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpsRequest(url('/validate'), { method: 'POST', ca: pki.caPem, agent: false, headers: { 'content-type': 'application/json' } }, (r) => {
        let body = '';
        r.on('data', (c) => (body += c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (sent < 8) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(res.status).toBe(413);
  });

  const sans = (n: number) => (p: any) => (p.spec.validation.subjectAltNames = Array.from({ length: n }, (_, i) => ({ type: 'Hostname', hostname: `h${i}.example.com` })));
  const refs = (n: number) => (p: any) => (p.spec.targetRefs = Array.from({ length: n }, (_, i) => ({ kind: 'Service', name: `s${i}` })));

  it.each([
    ['subjectAltNames', sans(100_000)],
    ['targetRefs', refs(100_000)],
  ])('refuses a list of 100k %s quickly, before parsing it (too many JSON values), on /validate and /mutate', async (_field, patch) => {
    const p = goodPolicy() as any;
    patch(p);
    for (const path of ['/validate', '/mutate']) {
      const res = await postReview(url(path), pki.caPem, reviewOf(p, { uid: 'list-1' }));
      expect(res.status).toBe(413);
      expect(res.json).toMatchObject({ code: 'BTLS_ERR_JSON_TOO_MANY_VALUES', message: 'request body holds more than 100000 JSON values' });
      expect(res.ms).toBeLessThan(FAST_MS);
    }
  });

  it.each([
    ['subjectAltNames', sans(20_000)],
    ['targetRefs', refs(20_000)],
  ])('answers a list of 20k %s (fewer values than the limit) with a review naming the list, on /validate and /mutate', async (field, patch) => {
    const p = goodPolicy() as any;
    patch(p);
    for (const path of ['/validate', '/mutate']) {
      const res = await postReview(url(path), pki.caPem, reviewOf(p, { uid: 'list-1' }));
      expect(res.status).toBe(200);
      expect(res.json.response).toMatchObject({ uid: 'list-1', allowed: false, status: { code: 400 } });
      expect(res.json.response.status.message).toMatch(new RegExp(`^spec\\.(validation\\.)?${field}: Too many: 20000: this webhook does not evaluate lists of more than 10000 items`));
      expect(res.ms).toBeLessThan(FAST_MS);
    }
  });

  it('answers 413 to 6 MiB of empty objects without parsing them (they would take 131 MiB of heap)', async () => {
    const body = `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"o","object":{"a":[${Array(2_000_000).fill('{}').join(',')}]}}}`;
    const res = await postRaw('/validate', body);
    expect(res.status).toBe(413);
    expect(res.json.code).toBe('BTLS_ERR_JSON_TOO_MANY_VALUES');
    expect(res.ms).toBeLessThan(FAST_MS);
  });

  it('denies a list just over the CRD limit with the apiserver message', async () => {
    const p = goodPolicy() as any;
    p.spec.validation.subjectAltNames = Array.from({ length: 6 }, (_, i) => ({ type: 'Hostname', hostname: `h${i}.example.com` }));
    const res = await postReview(url('/validate'), pki.caPem, reviewOf(p));
    expect(res.json.response.status.message).toContain('spec.validation.subjectAltNames: Too many: 6: must have at most 5 items');
  });

  const modes = [
    ['--crd-rules enforce', () => server],
    ['--crd-rules auto, as shipped', () => shipped],
  ] as const;
  it.each(
    modes.flatMap(([mode, which]) =>
      [
        ['a long hostname of one label then a bang', 'a'.repeat(100_000) + '!'],
        ['alternating labels and dashes', 'a-'.repeat(50_000) + '!'],
        ['many dots', 'a.'.repeat(50_000) + '-'],
      ].map(([name, s]) => [`${name}, ${mode}`, s, which] as const),
    ),
  )('answers strings that would make a regex backtrack (%s) quickly', async (_name, s, which) => {
    const url = (path: string) => `${which().url}${path}`;
    const p = goodPolicy() as any;
    p.spec.validation.hostname = s;
    p.spec.targetRefs[0].sectionName = s;
    p.spec.validation.subjectAltNames = [{ type: 'URI', uri: `https://${s}` }, { type: 'Hostname', hostname: s }];
    p.spec.options = { [s]: s, [`example.com/${s}`]: 'v' };
    p.metadata.name = s;
    p.metadata.namespace = s;
    const res = await postReview(url('/validate'), pki.caPem, reviewOf(p, { uid: 'redos' }));
    expect(res.status).toBe(200);
    expect(res.json.response).toMatchObject({ uid: 'redos', allowed: false });
    expect(res.json.response.status.message.length).toBeLessThan(30_000);
    expect(res.ms).toBeLessThan(FAST_MS);
    const m = await postReview(url('/mutate'), pki.caPem, reviewOf(p, { uid: 'redos-m' }));
    expect(m.status).toBe(200);
    expect(m.ms).toBeLessThan(FAST_MS);
  });

  // the apiserver would have refused these (maxLength 253, maxItems 5): only a direct caller sends them
  it.each(modes)('denies SAN URIs of megabytes quickly (%s): a URI parser takes a microsecond per character', async (_mode, which) => {
    const p = goodPolicy() as any;
    p.spec.validation.subjectAltNames = Array.from({ length: 5 }, () => ({ type: 'URI', uri: ':'.repeat(1_000_000) }));
    const res = await postReview(`${which().url}/validate`, pki.caPem, reviewOf(p, { uid: 'long-uri' }));
    expect(res.status).toBe(200);
    expect(res.json.response).toMatchObject({ uid: 'long-uri', allowed: false, status: { code: 422 } });
    expect(res.json.response.status.message).toMatch(/spec\.validation\.subjectAltNames\[0\]\.uri: Too long: may not be more than (253|1012) bytes/);
    expect(res.ms).toBeLessThan(FAST_MS);
    await expectHealthy();
  });

  // the rule on option keys sorts them for its message, comparing them whole: long keys must not reach it
  it.each([
    [...modes[0], 'spec.options: Too many: 60: must have at most 16 items'],
    [...modes[1], 'spec.options: Too long: may not be more than 1012 bytes'],
  ] as const)('denies option keys of megabytes sharing a prefix quickly (%s)', async (_mode, which, message) => {
    const p = goodPolicy() as any;
    const prefix = 'a'.repeat(90_000);
    p.spec.options = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`${prefix}${i}`, 'v']));
    const res = await postReview(`${which().url}/validate`, pki.caPem, reviewOf(p, { uid: 'long-keys' }));
    expect(res.status).toBe(200);
    expect(res.json.response).toMatchObject({ uid: 'long-keys', allowed: false });
    expect(res.json.response.status.message).toContain(message);
    expect(res.ms).toBeLessThan(FAST_MS);
    await expectHealthy();
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
    ['application/yaml', 'application/yaml'],
  ])('answers 415 to Content-Type %s', async (_name, type) => {
    const res = await postRaw('/validate', JSON.stringify(reviewOf(goodPolicy())), type);
    expect(res.status).toBe(415);
    expect(res.json).toMatchObject({ code: 'BTLS_ERR_UNSUPPORTED_MEDIA_TYPE', message: `Content-Type must be application/json, got "${type}"` });
  });

  it('answers 415 when there is no Content-Type', async () => {
    const res = await postRaw('/validate', JSON.stringify(reviewOf(goodPolicy())), null);
    expect(res.status).toBe(415);
  });

  it('accepts application/json with a charset', async () => {
    const res = await postRaw('/validate', JSON.stringify(reviewOf(goodPolicy())), 'application/json; charset=utf-8');
    expect(res.status).toBe(200);
  });

  it.each([
    ['POST', '/admit'],
    ['GET', '/validate'],
    ['GET', '/'],
    ['DELETE', '/healthz'],
  ])('answers 404 to %s %s', async (method, path) => {
    const res = await call(url(path), { ca: pki.caPem, method, ...(method === 'POST' ? { body: '{}' } : {}) });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ code: 'BTLS_ERR_NOT_FOUND' });
    expect(res.json.message).toContain(`no route ${method} ${path}`);
  });

  it('answers plain HTTP on the TLS port with a 400 and closes, without hanging', async () => {
    const started = Date.now();
    const reply = await new Promise<string>((resolve, reject) => {
      const s = netConnect(server.port, '127.0.0.1', () => s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
      let data = '';
      s.on('data', (d) => (data += d));
      s.on('close', () => resolve(data));
      s.on('error', reject);
      s.setTimeout(FAST_MS, () => s.destroy(new Error('hung')));
    });
    expect(reply).toMatch(/^HTTP\/1.1 400 Bad Request\r\n/);
    expect(reply).toContain('Client sent an HTTP request to an HTTPS server.');
    expect(Date.now() - started).toBeLessThan(FAST_MS);
  });

  it('closes a connection that sends garbage instead of a TLS handshake', async () => {
    const closed = await new Promise<boolean>((resolve) => {
      const s = netConnect(server.port, '127.0.0.1', () => s.write(Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff, 1, 2, 3])));
      s.on('close', () => resolve(true));
      s.on('error', () => undefined);
      s.resume();
      s.setTimeout(8000, () => (s.destroy(), resolve(false)));
    });
    expect(closed).toBe(true);
  });
});
