/** Many idle connections: past --max-connections new ones are closed at accept, counted, and the server keeps serving. */
import { connect as netConnect, type Socket } from 'node:net';
import type { RunningServer } from '../../src/server/main.js';
import { call, makePki, startHttpLayer, tlsConnection, type TestPki } from './helpers.js';

let pki: TestPki;
let server: RunningServer;
const held: Socket[] = [];

beforeAll(async () => {
  pki = makePki();
  server = await startHttpLayer(pki, { maxConnections: 5 });
});
afterAll(async () => {
  for (const s of held) s.destroy();
  await server.shutdown();
});

/** A TCP connection that says nothing; resolves with whether the server closed it within `ms`. */
function idle(ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect(server.port, '127.0.0.1');
    held.push(s);
    const timer = setTimeout(() => resolve(false), ms);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    s.on('error', () => undefined);
  });
}

async function droppedCount(): Promise<number> {
  const text = (await call(`${server.url}/metrics`, { ca: pki.caPem, connection: await tlsConnection(server.url, pki.caPem) })).text;
  return Number(/^btls_http_dropped_connections_total (\d+)$/m.exec(text)?.[1]);
}

it('closes connections past the cap as they are accepted, counts them, and serves again once some close', async () => {
  // four idle ones and one kept for the metrics: the cap of 5 is reached
  const metricsConnection = await tlsConnection(server.url, pki.caPem);
  held.push(metricsConnection);
  const idleOnes = [idle(300), idle(300), idle(300), idle(300)];
  expect(await Promise.all(idleOnes)).toEqual([false, false, false, false]);
  // a sixth is closed at once
  expect(await idle(2000)).toBe(true);
  const text = (await call(`${server.url}/metrics`, { ca: pki.caPem, connection: metricsConnection })).text;
  expect(Number(/^btls_http_dropped_connections_total (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
  // closing the idle ones makes room again
  for (const s of held.splice(0)) s.destroy();
  await new Promise((r) => setTimeout(r, 100));
  expect((await call(`${server.url}/healthz`, { ca: pki.caPem })).status).toBe(200);
  expect(await droppedCount()).toBeGreaterThanOrEqual(1);
});
