/**
 * The webhook answers in bursts (src/server/answer-burst.ts): reviews read in the same turn of the event loop are
 * all evaluated before the first answer is written. The test holds the event loop while two reviews arrive on two
 * connections, so that the server reads both in one turn, and logs when each is evaluated and when each answer is
 * written (the latency histogram is observed right after the write).
 */
import type { TLSSocket } from 'node:tls';
import type { RunningServer } from '../../src/server/main.js';
import { createMetrics } from '../../src/server/metrics.js';
import type { Engine } from '../../src/rules/types.js';
import { goodPolicy, makePki, reviewOf, startHttpLayer, tlsConnection, type TestPki } from './helpers.js';

let pki: TestPki;
let server: RunningServer;
const events: string[] = [];

beforeAll(async () => {
  pki = makePki();
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
      return [];
    },
    mutate: () => [],
  };
  server = await startHttpLayer(pki, { engine, metrics });
});
afterAll(() => server.shutdown());

function post(socket: TLSSocket, name: string): void {
  const policy = goodPolicy() as { metadata: { name: string } };
  policy.metadata.name = name;
  const body = JSON.stringify(reviewOf(policy, { uid: name }));
  socket.write(`POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** the next complete answer on `socket`, as text */
function answer(socket: TLSSocket): Promise<string> {
  return new Promise((resolve) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const headEnd = seen.indexOf('\r\n\r\n');
      const length = Number(/content-length: *(\d+)/i.exec(seen)?.[1] ?? NaN);
      if (headEnd < 0 || seen.length < headEnd + 4 + length) return;
      socket.off('data', onData);
      resolve(seen);
    };
    socket.on('data', onData);
  });
}

it('evaluates every review read in one turn before it writes the first answer, then writes them all', async () => {
  const url = `https://127.0.0.1:${server.port}/`;
  const [a, b] = await Promise.all([tlsConnection(url, pki.caPem), tlsConnection(url, pki.caPem)]);
  const answers = [answer(a), answer(b)];
  events.length = 0;
  post(a, 'first');
  post(b, 'second');
  // hold the event loop (client and server share it) until both reviews sit in the server's sockets
  const until = Date.now() + 100;
  while (Date.now() < until);
  const [ta, tb] = await Promise.all(answers);
  expect(ta).toMatch(/^HTTP\/1\.1 200 /);
  expect(ta).toContain('"uid":"first"');
  expect(tb).toContain('"uid":"second"');
  expect(events).toEqual(['evaluated first', 'evaluated second', 'written', 'written']);
  a.destroy();
  b.destroy();
});
