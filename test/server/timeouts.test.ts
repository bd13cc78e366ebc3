/** Slow and silent clients: a request body that never completes, a connection that never says hello. */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { RunningServer } from '../../src/server/main.js';
import { call, makePki, startHttpLayer, type TestPki } from './helpers.js';

let pki: TestPki;
let server: RunningServer;

beforeAll(async () => {
  pki = makePki();
  server = await startHttpLayer(pki, { requestTimeoutMs: 1000, handshakeTimeoutMs: 500 });
});
afterAll(async () => {
  await server.shutdown();
});

/** Sends raw bytes over TLS and returns everything the server wrote before it closed. */
function rawExchange(text: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port: server.port, ca: pki.caPem }, () => s.write(text));
    let data = '';
    s.on('data', (d) => (data += d));
    s.on('close', () => resolve(data));
    s.on('error', reject);
  });
}

async function rejectedCount(code: string): Promise<number> {
  const text = (await call(`${server.url}/metrics`, { ca: pki.caPem })).text;
  const m = new RegExp(`^btls_http_rejected_requests_total\\{code="${code}"\\} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

it('answers 408 in the catalogue shape, counts it and closes when a body does not arrive within requestTimeout', async () => {
  const before = await rejectedCount('BTLS_ERR_TIMEOUT');
  const started = Date.now();
  const reply = await rawExchange('POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"apiVersion":');
  expect(reply).toMatch(/^HTTP\/1.1 408 Request Timeout\r\n/);
  expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toEqual({ statusCode: 408, code: 'BTLS_ERR_TIMEOUT', error: 'Request Timeout', message: 'the request did not arrive in time' });
  expect(Date.now() - started).toBeLessThan(3500);
  expect(await rejectedCount('BTLS_ERR_TIMEOUT')).toBe(before + 1);
  expect((await call(`${server.url}/healthz`, { ca: pki.caPem })).status).toBe(200);
});

it('answers headers that never end with 408 too (slow headers)', async () => {
  const reply = await rawExchange('POST /validate HTTP/1.1\r\nHost: x\r\n');
  expect(reply).toMatch(/^HTTP\/1.1 408 /);
});

it('answers 431 to headers over the limit and 400 with the reason to HTTP it cannot parse, and counts both', async () => {
  const big = await rawExchange(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  expect(big).toMatch(/^HTTP\/1.1 431 /);
  expect(JSON.parse(big.slice(big.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'BTLS_ERR_HEADERS_TOO_LARGE', statusCode: 431 });
  const bad = await rawExchange('POST /validate HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
  expect(bad).toMatch(/^HTTP\/1.1 400 /);
  expect(JSON.parse(bad.slice(bad.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'BTLS_ERR_BAD_REQUEST', message: expect.stringMatching(/HPE_/) });
  expect(await rejectedCount('BTLS_ERR_HEADERS_TOO_LARGE')).toBeGreaterThan(0);
  expect(await rejectedCount('BTLS_ERR_BAD_REQUEST')).toBeGreaterThan(0);
});

it('does not let a client that never finishes its request hold a shutdown past requestTimeout', async () => {
  const own = await startHttpLayer(pki, { requestTimeoutMs: 1000, shutdownTimeoutMs: 20_000 });
  const s = tlsConnect({ host: '127.0.0.1', port: own.port, ca: pki.caPem }, () => s.write('POST /validate HTTP/1.1\r\nHost: x\r\n'));
  s.on('error', () => undefined);
  await new Promise((r) => s.once('secureConnect', r));
  await new Promise((r) => setTimeout(r, 100));
  const started = Date.now();
  await own.shutdown('test');
  expect(Date.now() - started).toBeLessThan(5000);
  s.destroy();
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
