/** Graceful shutdown: readyz fails first, the listener stops accepting, in-flight reviews finish, then close. */
import { Agent, request as httpsRequest } from 'node:https';
import { startServer } from '../../src/server/main.js';
import { call, goodPolicy, makePki, reviewOf, testEngine, type TestPki } from './helpers.js';

let pki: TestPki;
beforeAll(() => {
  pki = makePki();
});

function start(extra: { shutdownDelayMs?: number; handleSignals?: boolean } = {}) {
  return startServer({
    engine: testEngine(),
    tls: { certFile: pki.certFile, keyFile: pki.keyFile, watch: false, pollIntervalMs: 0 },
    host: '127.0.0.1',
    port: 0,
    ...extra,
  });
}

/** Sends half the body now and the rest after `delayMs`: a request that is in flight for that long. */
function slowReview(url: string, uid: string, delayMs: number, sent: () => void, agent: Agent | false = false): Promise<{ status: number; json: any; connection?: string }> {
  const body = JSON.stringify(reviewOf(goodPolicy(), { uid }));
  const half = Math.floor(body.length / 2);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${url}/validate`,
      { method: 'POST', ca: pki.caPem, agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text), connection: res.headers.connection }));
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, half), () => sent());
    setTimeout(() => req.end(body.slice(half)), delayMs);
  });
}

describe('graceful shutdown', () => {
  it('finishes a slow in-flight review after close begins, refuses new connections, then resolves', async () => {
    const server = await start();
    let firstHalfSent!: () => void;
    const sent = new Promise<void>((r) => (firstHalfSent = r));
    const inflight = slowReview(server.url, 'slow-1', 700, firstHalfSent);
    await sent;
    await new Promise((r) => setTimeout(r, 100)); // the server has the headers and half the body

    let closedAt = 0;
    const closing = server.shutdown('test').then(() => (closedAt = Date.now()));
    await new Promise((r) => setTimeout(r, 100));
    await expect(call(`${server.url}/healthz`, { ca: pki.caPem, timeoutMs: 1000 })).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);
    expect(closedAt).toBe(0);

    await new Promise((r) => setTimeout(r, 300));
    expect(closedAt).toBe(0); // still waiting for the in-flight review
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(res.json.response).toEqual({ uid: 'slow-1', allowed: true });
    await closing;
    expect(closedAt).toBeGreaterThan(0);
  });

  it('closes a keep-alive connection once its in-flight review is answered, instead of waiting it out', async () => {
    const server = await start();
    const agent = new Agent({ keepAlive: true, ca: pki.caPem }); // as the apiserver's client does
    let firstHalfSent!: () => void;
    const sent = new Promise<void>((r) => (firstHalfSent = r));
    const inflight = slowReview(server.url, 'keep-1', 400, firstHalfSent, agent);
    await sent;
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    const closing = server.shutdown('test');
    const res = await inflight;
    expect(res.json.response).toEqual({ uid: 'keep-1', allowed: true });
    expect(res.connection).toBe('close');
    await closing;
    expect(Date.now() - started).toBeLessThan(2000); // not the 20 s timeout that cuts connections
    agent.destroy();
  });

  it('fails readyz during the shutdown delay while still answering reviews', async () => {
    const server = await start({ shutdownDelayMs: 600 });
    const closing = server.shutdown('test');
    await new Promise((r) => setTimeout(r, 100));
    const ready = await call(`${server.url}/readyz`, { ca: pki.caPem });
    expect(ready.status).toBe(503);
    expect(ready.json).toMatchObject({ code: 'BTLS_ERR_NOT_READY', message: 'not ready: shutting down' });
    const review = await call(`${server.url}/validate`, { ca: pki.caPem, body: JSON.stringify(reviewOf(goodPolicy(), { uid: 'late' })) });
    expect(review.json.response).toEqual({ uid: 'late', allowed: true });
    // a keep-alive client is told to reconnect (to a pod that is staying)
    const agent = new Agent({ keepAlive: true, ca: pki.caPem });
    const kept = await slowReview(server.url, 'late-2', 0, () => {}, agent);
    expect(kept.connection).toBe('close');
    agent.destroy();
    await closing;
  });

  it('shuts down on SIGTERM', async () => {
    const server = await start({ handleSignals: true });
    const before = process.listenerCount('SIGTERM');
    process.emit('SIGTERM', 'SIGTERM');
    await server.closed;
    expect(process.listenerCount('SIGTERM')).toBe(before - 1);
  });
});
