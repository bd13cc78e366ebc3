/** Slow and silent clients: a request body that never completes, a connection that never says hello. */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { startServer, type RunningServer } from '../../src/server/main.js';
import { call, makePki, type TestPki } from './helpers.js';

let pki: TestPki;
let server: RunningServer;

beforeAll(async () => {
  pki = makePki();
  server = await startServer({
    engine: { ruleset: 'none', evaluate: () => [], mutate: () => [] },
    tls: { certFile: pki.certFile, keyFile: pki.keyFile, watch: false, pollIntervalMs: 0 },
    host: '127.0.0.1',
    port: 0,
    requestTimeoutMs: 1000,
    handshakeTimeoutMs: 500,
  });
});
afterAll(async () => {
  await server.shutdown();
});

it('answers 408 and closes when a request body does not arrive within requestTimeout', async () => {
  const started = Date.now();
  const reply = await new Promise<string>((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port: server.port, ca: pki.caPem }, () => {
      s.write('POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"apiVersion":');
    });
    let data = '';
    s.on('data', (d) => (data += d));
    s.on('close', () => resolve(data));
    s.on('error', reject);
  });
  expect(reply).toMatch(/^HTTP\/1.1 408/);
  expect(Date.now() - started).toBeLessThan(3500);
  expect((await call(`${server.url}/healthz`, { ca: pki.caPem })).status).toBe(200);
});

it('closes a connection that never starts the TLS handshake', async () => {
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const s = netConnect(server.port, '127.0.0.1');
    s.resume();
    s.on('close', () => resolve());
    s.on('error', () => undefined);
  });
  expect(Date.now() - started).toBeLessThan(2000);
});
