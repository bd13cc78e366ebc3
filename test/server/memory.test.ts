/**
 * Memory under hostile bodies: large bodies share a budget (429 past it, before they are read), and `btls serve`
 * with the Deployment's V8 heap (--max-old-space-size=160) survives many large bodies at once. Before these
 * limits, two concurrent 6 MiB bodies of `{}` took it down ("JavaScript heap out of memory").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../../src/server/main.js';
import { call, goodPolicy, makePki, reviewOf, testEngine, tlsConnection, type HttpResult, type TestPki } from './helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let pki: TestPki;
beforeAll(() => {
  pki = makePki();
});

/** A valid review padded to exactly `bytes` with an annotation. */
function paddedReview(bytes: number, uid: string): string {
  const p = goodPolicy() as any;
  p.metadata.annotations = { 'example.com/pad': '' };
  const bare = JSON.stringify(reviewOf(p, { uid }));
  p.metadata.annotations['example.com/pad'] = 'x'.repeat(bytes - bare.length);
  return JSON.stringify(reviewOf(p, { uid }));
}

describe('the budget of large bodies in flight', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      engine: testEngine(),
      tls: { certFile: pki.certFile, keyFile: pki.keyFile, watch: false, pollIntervalMs: 0 },
      host: '127.0.0.1',
      port: 0,
      largeBodyBytesInFlight: 200_000,
    });
  });
  afterAll(() => server.shutdown());

  it('refuses a large body with 429 while others fill the budget, never a small one, and frees it after', async () => {
    const first = paddedReview(150_000, 'first');
    // the first large body: headers and a part of it, the rest held back
    let finish: () => void = () => {};
    const firstAnswer = new Promise<{ status: number; uid?: string }>((resolve, reject) => {
      const req = httpsRequest(
        `${server.url}/validate`,
        { method: 'POST', ca: pki.caPem, agent: false, headers: { 'content-type': 'application/json', 'content-length': first.length } },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, uid: JSON.parse(text).response?.uid }));
        },
      );
      req.on('error', reject);
      req.write(first.slice(0, 10_000));
      finish = () => req.end(first.slice(10_000));
    });
    await new Promise((r) => setTimeout(r, 200)); // the server has its headers

    const second = await call(`${server.url}/validate`, { ca: pki.caPem, body: paddedReview(150_000, 'second') });
    expect(second.status).toBe(429);
    expect(second.headers['retry-after']).toBe('1');
    expect(second.json).toMatchObject({ code: 'BTLS_ERR_BUSY' });

    const small = await call(`${server.url}/validate`, { ca: pki.caPem, body: JSON.stringify(reviewOf(goodPolicy(), { uid: 'small' })) });
    expect(small.status).toBe(200);

    finish();
    expect(await firstAnswer).toEqual({ status: 200, uid: 'first' });
    const third = await call(`${server.url}/validate`, { ca: pki.caPem, body: paddedReview(150_000, 'third') });
    expect({ status: third.status, uid: third.json?.response?.uid }).toEqual({ status: 200, uid: 'third' });
  });
});

describe('btls serve with the Deployment heap', () => {
  let child: ChildProcess;
  let url: string;
  let output = '';
  beforeAll(async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    url = `https://127.0.0.1:${port}`;
    child = spawn(
      process.execPath,
      ['--max-old-space-size=160', join(root, 'bin/btls'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--tls-cert', pki.certFile, '--tls-key', pki.keyFile, '--log-level', 'error'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const ok = await call(`${url}/readyz`, { ca: pki.caPem }).then((r) => r.status === 200, () => false);
      if (ok) return;
    }
    throw new Error(`btls serve did not get ready: ${output}`);
  }, 20_000);
  afterAll(() => {
    child.kill('SIGKILL');
  });

  it('answers 16 concurrent 6 MiB bodies (values and strings) with 200, 413 or 429, and keeps serving', async () => {
    const objects = `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"o","object":{"a":[${Array(2_000_000).fill('{}').join(',')}]}}}`;
    const strings = paddedReview(6 * 1024 * 1024 - 64, 'strings');
    const bodies = [...Array(8).fill(objects), ...Array(8).fill(strings)];
    // every connection is established before any body is sent: what is under test is 16 bodies in flight at once
    const connections = await Promise.all(bodies.map(() => tlsConnection(url, pki.caPem)));
    const answers = await Promise.all(
      bodies.map((body, i) =>
        call(`${url}/validate`, { ca: pki.caPem, body, timeoutMs: 30_000, connection: connections[i] }).then(
          (r: HttpResult) => r.status,
          (err: Error) => err.message,
        ),
      ),
    );
    // past the budget (4 such bodies) a body waits for nothing: 429, after its bytes were read and dropped
    for (const a of answers.slice(0, 8)) expect([413, 429]).toContain(a);
    for (const a of answers.slice(8)) expect([200, 429]).toContain(a);
    expect(answers).toContain(413);
    expect(child.exitCode).toBeNull();
    // the budget is free again: a large valid review alone is answered
    const alone = await call(`${url}/validate`, { ca: pki.caPem, body: strings, timeoutMs: 30_000 });
    expect({ status: alone.status, uid: alone.json?.response?.uid }).toEqual({ status: 200, uid: 'strings' });
    expect((await call(`${url}/healthz`, { ca: pki.caPem })).status).toBe(200);
    expect(output).not.toContain('heap out of memory');
  }, 60_000);
});
