/** Hot reload of the serving pair: new connections get the new certificate, in-flight requests are unaffected. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import pino from 'pino';
import { Writable } from 'node:stream';
import { createServingCert, type PemPair } from '../../src/certs/pki.js';
import { startServer, type RunningServer } from '../../src/server/main.js';
import { call, goodPolicy, makePki, reviewOf, testEngine, type TestPki } from './helpers.js';

/** The serial number of the certificate a fresh TLS connection is served. */
function servedSerial(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const serial = s.getPeerCertificate().serialNumber;
      s.end();
      resolve(serial.toUpperCase());
    });
    s.on('error', reject);
  });
}

function serialOf(pem: string): string {
  return new X509Certificate(pem).serialNumber.toUpperCase();
}

function newServing(pki: TestPki): PemPair {
  return createServingCert(pki.ca, { commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], days: 1 });
}

/** Writes like a kubelet or cert-manager would: to a temp file, then rename over the target. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each([
  ['fs.watch', { watch: true, pollIntervalMs: 0 }],
  ['polling alone', { watch: false, pollIntervalMs: 100 }],
])('certificate hot reload (%s)', (_name, watchOpts) => {
  let pki: TestPki;
  let server: RunningServer;
  const logs: string[] = [];

  beforeAll(async () => {
    pki = makePki();
    const sink = new Writable({ write: (chunk, _enc, cb) => (logs.push(String(chunk)), cb()) });
    server = await startServer({
      engine: testEngine(),
      tls: { certFile: pki.certFile, keyFile: pki.keyFile, debounceMs: 20, ...watchOpts },
      logger: pino({ level: 'debug' }, sink),
      host: '127.0.0.1',
      port: 0,
    });
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('serves the new certificate to new connections after the files change, and keeps the old one until the pair matches', async () => {
    const before = await servedSerial(server.port, pki.caPem);
    expect(before).toBe(serialOf(readFileSync(pki.certFile, 'utf8')));

    const next = newServing(pki);
    // the cert first: for a moment cert and key do not match, and the old pair must stay in use
    writeAtomically(pki.certFile, next.certPem);
    await new Promise((r) => setTimeout(r, 300));
    expect(await servedSerial(server.port, pki.caPem)).toBe(before);
    writeAtomically(pki.keyFile, next.keyPem);

    await waitFor('the new certificate', async () => (await servedSerial(server.port, pki.caPem)) === serialOf(next.certPem));
    const metrics = await call(`${server.url}/metrics`, { ca: pki.caPem });
    expect(metrics.text).toMatch(/btls_tls_reloads_total\{result="success"\} 1/);
    expect(metrics.text).toMatch(/btls_tls_reloads_total\{result="failure"\} 1/);
  });

  it('finishes a request that was in flight on the old certificate', async () => {
    const body = JSON.stringify(reviewOf(goodPolicy(), { uid: 'inflight' }));
    const half = Math.floor(body.length / 2);
    const pending = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpsRequest(
        `${server.url}/validate`,
        { method: 'POST', ca: pki.caPem, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, half));
      setTimeout(() => req.end(body.slice(half)), 800);
    });
    const old = await servedSerial(server.port, pki.caPem);
    const next = newServing(pki);
    writeAtomically(pki.keyFile, next.keyPem);
    writeAtomically(pki.certFile, next.certPem);
    await waitFor('the new certificate', async () => (await servedSerial(server.port, pki.caPem)) !== old);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).response).toEqual({ uid: 'inflight', allowed: true });
  });

  it('never logs certificate or key material', () => {
    const all = logs.join('');
    expect(all).toContain('reloaded the serving certificate');
    expect(all).not.toMatch(/BEGIN|PRIVATE KEY|MII/);
  });
});
