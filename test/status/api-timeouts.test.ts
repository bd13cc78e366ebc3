import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import pino from 'pino';
import { readCluster } from '../../src/cluster/read.js';
import { defaultTiming } from '../../src/status/controller/config.js';
import { Api } from '../../src/status/controller/http.js';
import { KindInformer, type WatchLike } from '../../src/status/controller/informers.js';
import { watchedKinds, POLICY_KIND } from '../../src/status/controller/kinds.js';
import { LeaderElector } from '../../src/status/controller/leader.js';

// An apiserver that stops answering (a failover, a half-open connection) must not hang the status writer:
// client-node sets no timeout of its own, so every call the writer makes is bounded here.

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A plain-HTTP stand-in for the apiserver; `handler` can be swapped while it runs. */
async function fakeApiserver(handler: Handler): Promise<{ kc: KubeConfig; server: Server; set: (h: Handler) => void }> {
  let current = handler;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => current(req, res, body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return {
    kc,
    server,
    set: (h) => (current = h),
  };
}

/** Answers nothing, ever: the request stays open until the client gives up. */
const silent: Handler = () => undefined;

const json = (res: ServerResponse, code: number, body: unknown) => {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function start(handler: Handler) {
  const f = await fakeApiserver(handler);
  servers.push(f.server);
  return f;
}

const policyKind = watchedKinds(false).find((k) => k === POLICY_KIND)!;

it('a call the apiserver never answers fails after the request timeout instead of hanging', async () => {
  const { kc } = await start(silent);
  const api = new Api(kc, 200);
  const began = Date.now();
  await expect(api.get(policyKind, 'v1', 'ns', 'p')).rejects.toThrow();
  const took = Date.now() - began;
  expect(took).toBeGreaterThanOrEqual(150);
  expect(took).toBeLessThan(2000);
});

it('a leader whose apiserver stops answering steps down within the renew deadline, and release() returns', async () => {
  let lease: Record<string, unknown> | undefined;
  const answering: Handler = (req, res, body) => {
    if (req.method === 'GET') return lease ? json(res, 200, lease) : json(res, 404, { kind: 'Status', code: 404 });
    lease = { ...JSON.parse(body), metadata: { ...JSON.parse(body).metadata, resourceVersion: String(Date.now()) } };
    json(res, req.method === 'POST' ? 201 : 200, lease);
  };
  const api = await start(answering);
  const changes: boolean[] = [];
  const timing = { ...defaultTiming, leaseRetryMs: 50, renewDeadlineMs: 400, leaseDurationMs: 1000 };
  const elector = new LeaderElector(api.kc, { name: 'l', namespace: 'ns', identity: 'me' }, timing, pino({ level: 'silent' }), (v) => changes.push(v), () => undefined);
  elector.start();
  for (let i = 0; i < 100 && !elector.isLeader; i++) await new Promise((r) => setTimeout(r, 10));
  expect(elector.isLeader).toBe(true);

  api.set(silent);
  const hungAt = Date.now();
  for (let i = 0; i < 300 && elector.isLeader; i++) await new Promise((r) => setTimeout(r, 10));
  expect(elector.isLeader).toBe(false);
  // the last renewal plus one tick of two bounded calls: well before a 1 s Lease would expire for the others
  expect(Date.now() - hungAt).toBeLessThan(timing.renewDeadlineMs + timing.leaseRetryMs + timing.renewDeadlineMs);
  expect(changes).toEqual([true, false]);

  const releasing = Date.now();
  await elector.release();
  expect(Date.now() - releasing).toBeLessThan(2 * timing.renewDeadlineMs);
});

describe('a watch', () => {
  /** Records each watch started; `resolveWith` decides whether client-node's watch() ever resolves. */
  function recordingWatch(resolves: boolean) {
    const started: { query: Record<string, unknown>; done: (err: unknown) => void; controller: AbortController }[] = [];
    const watch: WatchLike = {
      watch: (_path, query, _callback, done) => {
        const controller = new AbortController();
        started.push({ query, done, controller });
        return resolves ? Promise.resolve(controller) : new Promise(() => undefined);
      },
    };
    return { watch, started };
  }

  /** An Api whose lists are empty and answer at once. */
  const emptyApi = { list: async () => ({ metadata: { resourceVersion: '1' }, items: [] }) } as unknown as Api;

  async function informer(watch: WatchLike, timing: Partial<typeof defaultTiming>) {
    const errors: string[] = [];
    const inf = new KindInformer(policyKind, {} as KubeConfig, emptyApi, undefined, { ...defaultTiming, informerBackoffMs: 10, ...timing }, pino({ level: 'silent' }), () => undefined, () => undefined, () => errors.push('error'), watch);
    await inf.start();
    return { inf, errors };
  }

  it('asks the apiserver to end it after the watch timeout times 1 to 2, and keeps bookmarks', async () => {
    const { watch, started } = recordingWatch(true);
    const { inf } = await informer(watch, { watchTimeoutMs: 60_000 });
    for (let i = 0; i < 50 && started.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await inf.stop();
    expect(started).toHaveLength(1);
    const seconds = started[0].query.timeoutSeconds as number;
    expect(seconds).toBeGreaterThanOrEqual(60);
    expect(seconds).toBeLessThanOrEqual(120);
    expect(started[0].query.allowWatchBookmarks).toBe(true);
  });

  it('is cut and started again when the apiserver never ends it (a dead connection), even before headers arrive', async () => {
    const { watch, started } = recordingWatch(false);
    const { inf, errors } = await informer(watch, { watchTimeoutMs: 100, requestTimeoutMs: 100 });
    // timeoutSeconds rounds up to 1 s; the guard fires 100 ms after that, then the informer restarts after 10 ms
    for (let i = 0; i < 250 && started.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await inf.stop();
    expect(started.length).toBeGreaterThanOrEqual(2);
    expect(errors.length).toBeGreaterThanOrEqual(1);
  });

  it('that ended normally is not counted as an error, and the one it cut delivers no more events', async () => {
    const events: string[] = [];
    const started: { callback: (phase: string, o: KubernetesObject) => void; done: (err: unknown) => void }[] = [];
    const watch: WatchLike = {
      watch: async (_p, _q, callback, done) => {
        started.push({ callback, done });
        return new AbortController();
      },
    };
    const errors: string[] = [];
    const inf = new KindInformer(policyKind, {} as KubeConfig, emptyApi, undefined, { ...defaultTiming, informerBackoffMs: 10 }, pino({ level: 'silent' }), (type) => events.push(type), () => undefined, () => errors.push('error'), watch);
    await inf.start();
    for (let i = 0; i < 50 && started.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const first = started[0];
    first.done(null); // the apiserver ended the watch at timeoutSeconds
    for (let i = 0; i < 50 && started.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    first.callback('ADDED', { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'BackendTLSPolicy', metadata: { name: 'late', namespace: 'ns', resourceVersion: '9' } });
    await inf.stop();
    expect(started).toHaveLength(2);
    expect(errors).toEqual([]);
    expect(events).toEqual([]);
  });
});

it('btls status/check --cluster read each kind in pages', async () => {
  const pages: string[] = [];
  const { kc } = await start((req, res) => {
    const url = new URL(req.url!, 'http://x');
    pages.push(`${url.pathname} limit=${url.searchParams.get('limit')} continue=${url.searchParams.get('continue') ?? ''}`);
    const first = !url.searchParams.get('continue');
    const name = first ? 'a' : 'b';
    json(res, 200, { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '5', continue: first ? 'next' : '' }, items: [{ metadata: { name, namespace: 'ns' } }] });
  });
  const kinds = watchedKinds(false).filter((k) => k.kind === 'ConfigMap' || k === POLICY_KIND);
  const objects = await readCluster(kc, { namespace: 'ns' }, kinds);
  expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual(['BackendTLSPolicy/a', 'BackendTLSPolicy/b', 'ConfigMap/a', 'ConfigMap/b']);
  expect(pages.filter((p) => p.includes('configmaps'))).toEqual(['/api/v1/namespaces/ns/configmaps limit=10 continue=', '/api/v1/namespaces/ns/configmaps limit=10 continue=next']);
  expect(pages.filter((p) => p.includes('backendtlspolicies'))).toEqual([
    '/apis/gateway.networking.k8s.io/v1/namespaces/ns/backendtlspolicies limit=500 continue=',
    '/apis/gateway.networking.k8s.io/v1/namespaces/ns/backendtlspolicies limit=500 continue=next',
  ]);
});
