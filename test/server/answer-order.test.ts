/**
 * The webhook answers in bursts (src/server/answer-burst.ts): reviews read in the same turn of the event loop are
 * all evaluated before the first answer is written. These tests talk raw HTTP/1.1 over TLS to a server whose
 * engine logs each evaluation and whose latency histogram logs each write (it is observed right after the write).
 * Where two reviews must be read in one turn, the test holds the event loop (client and server share it) until
 * both sit in the server's sockets.
 */
import { Writable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import pino from 'pino';
import type { Engine } from '../../src/rules/types.js';
import type { RunningServer, StartOptions } from '../../src/server/main.js';
import { createMetrics } from '../../src/server/metrics.js';
import { goodPolicy, makePki, reviewOf, startHttpLayer, tlsConnection, type TestPki } from './helpers.js';

let pki: TestPki;
beforeAll(() => {
  pki = makePki();
});

/** a server whose engine logs `evaluated <name>` and whose answers log `written` into `events` */
function recordingServer(events: string[], options: Partial<StartOptions> = {}, onEvaluate?: () => void): Promise<RunningServer> {
  const metrics = createMetrics();
  const observe = metrics.latency.observe.bind(metrics.latency);
  metrics.latency.observe = (webhook, seconds) => {
    events.push('written');
    observe(webhook, seconds);
  };
  const engine: Engine = {
    ruleset: 'recording',
    evaluate: (object) => {
      events.push(`evaluated ${(object as { metadata: { name: string } }).metadata.name}`);
      onEvaluate?.();
      return [];
    },
    mutate: () => [],
  };
  return startHttpLayer(pki, { engine, metrics, ...options });
}

/** a POST /validate of a good policy named `name` (its uid too), padded by `pad` bytes of annotation */
function reviewText(name: string, pad = 0): string {
  const policy = goodPolicy() as { metadata: Record<string, unknown> };
  policy.metadata.name = name;
  if (pad) policy.metadata.annotations = { pad: 'x'.repeat(pad) };
  const body = JSON.stringify(reviewOf(policy, { uid: name }));
  return `POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** everything the server sends on `socket` until it closes it, or until `ms` pass */
function untilClosed(socket: TLSSocket, ms: number): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve({ text, closed: false }), ms);
    socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
  });
}

/** blocks the event loop, so that what was written meanwhile is read in one turn */
function holdTheLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

async function twoConnections(server: RunningServer): Promise<[TLSSocket, TLSSocket]> {
  const url = `https://127.0.0.1:${server.port}/`;
  const [a, b] = await Promise.all([tlsConnection(url, pki.caPem), tlsConnection(url, pki.caPem)]);
  return [a, b];
}

/** two requests on two connections, read by a fresh recording server in one turn: what it sent back, and its events */
async function readInOneTurn(first: string, second: string): Promise<{ texts: string[]; events: string[] }> {
  const events: string[] = [];
  const server = await recordingServer(events);
  const [a, b] = await twoConnections(server);
  const answers = [untilClosed(a, 800), untilClosed(b, 800)];
  a.write(first);
  b.write(second);
  holdTheLoop(100);
  const texts = (await Promise.all(answers)).map((r) => r.text);
  a.destroy();
  b.destroy();
  await server.shutdown();
  return { texts, events };
}

it('evaluates every review read in one turn before it writes the first answer, then writes them all', async () => {
  const { texts, events } = await readInOneTurn(reviewText('first'), reviewText('second'));
  expect(texts[0]).toMatch(/^HTTP\/1\.1 200 /);
  expect(texts[0]).toContain('"uid":"first"');
  expect(texts[1]).toContain('"uid":"second"');
  expect(events).toEqual(['evaluated first', 'evaluated second', 'written', 'written']);
});

it('writes the answers it holds before it parses a large body read in the same turn', async () => {
  const { events } = await readInOneTurn(reviewText('small'), reviewText('large', 70 * 1024));
  expect(events).toEqual(['evaluated small', 'written', 'evaluated large', 'written']);
});

it('answers pipelined requests on one connection in order, a refused one last (its 400 closes the connection)', async () => {
  const events: string[] = [];
  const server = await recordingServer(events);
  const socket = await tlsConnection(`https://127.0.0.1:${server.port}/`, pki.caPem);
  const seen = untilClosed(socket, 1500);
  const bad = 'POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{nope';
  socket.write(reviewText('p1') + reviewText('p2') + reviewText('p3', 70 * 1024) + reviewText('p4') + bad);
  const { text, closed } = await seen;
  socket.destroy();
  await server.shutdown();
  const order = [...text.matchAll(/"uid":"(p\d)"|BTLS_ERR_INVALID_JSON/g)].map((m) => m[1] ?? 'bad');
  expect(order).toEqual(['p1', 'p2', 'p3', 'p4', 'bad']);
  expect(closed).toBe(true);
});

it('drops the answer of a client that left before it was written, without an error, and keeps serving', async () => {
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => (logs.push(JSON.parse(String(chunk))), cb()) });
  const events: string[] = [];
  const server = await recordingServer(events, { logger: pino({ level: 'warn' }, sink) });
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  const [a, b] = await twoConnections(server);
  a.write(reviewText('gone'));
  a.destroy();
  await new Promise((r) => setTimeout(r, 200));
  const seen = untilClosed(b, 500);
  b.write(reviewText('next'));
  const { text } = await seen;
  b.destroy();
  process.off('warning', onWarning);
  await server.shutdown();
  expect(text).toContain('"uid":"next"');
  expect(events).toEqual(['evaluated gone', 'written', 'evaluated next', 'written']);
  expect(logs.filter((l) => (l.level as number) >= 40)).toEqual([]);
  expect(warnings).toEqual([]);
});

it('a review answered in the turn that starts the shutdown does not hold it: its keep-alive connection is closed at once', async () => {
  let server!: RunningServer;
  let closing: Promise<void> | undefined;
  // SIGTERM with --shutdown-delay 0 (the CLI's default): the shutdown starts after this review's read, in the same turn
  server = await recordingServer([], { shutdownTimeoutMs: 5000 }, () => process.nextTick(() => (closing ??= server.shutdown('SIGTERM'))));
  const socket = await tlsConnection(`https://127.0.0.1:${server.port}/`, pki.caPem);
  const seen = untilClosed(socket, 4000);
  const started = Date.now();
  socket.write(reviewText('same-turn'));
  const { text, closed } = await seen;
  await closing;
  socket.destroy();
  expect(text).toContain('"uid":"same-turn"');
  expect(closed).toBe(true);
  // before the fix, the connection stayed open until the shutdown's timeout cut it (5 s here)
  expect(Date.now() - started).toBeLessThan(2000);
});
