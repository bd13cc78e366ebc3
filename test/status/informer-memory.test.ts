import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import pino from 'pino';
import { defaultTiming } from '../../src/status/controller/config.js';
import type { Api, ListPage } from '../../src/status/controller/http.js';
import { KindInformer, type EventType, type WatchLike } from '../../src/status/controller/informers.js';
import { DATA_PAGE_SIZE, DEFAULT_PAGE_SIZE, watchedKinds, type WatchedKind } from '../../src/status/controller/kinds.js';
import { trimmerFor } from '../../src/status/controller/trim.js';
import type { KubeObject } from '../../src/rules/types.js';
import { configMap, loadFixture, makeCaPem, resolveObjects } from './helpers.js';
import { caMap, gateway, ourClass, policy, referenceGrant, route, service } from './builders.js';

// The status writer caches every object of each watched kind in its scope. A cluster's unrelated ConfigMaps
// (up to 1 MiB each) must not end up in the cache, nor arrive all in one response: each list page and each
// watch event is trimmed to what the resolver reads before it is stored, and lists are read in pages.

const kind = (name: string): WatchedKind => watchedKinds(true).find((k) => k.kind === name)!;
const BIG = 'x'.repeat(200_000);
const PEM = makeCaPem();

/** A ConfigMap as the API server returns it: managedFields, annotations, labels and a big unrelated key. */
function bulkyConfigMap(i: number): KubernetesObject {
  return {
    metadata: {
      name: `cm-${i}`,
      namespace: 'bulk',
      uid: `uid-${i}`,
      resourceVersion: String(1000 + i),
      creationTimestamp: new Date('2026-01-01T00:00:00Z'), // the typed core client's Date
      labels: { app: 'x' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': BIG },
      managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:big': {} } } }],
      ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u' }],
    },
    data: { big: BIG, 'ca.crt': PEM, other: 'y' },
    binaryData: { blob: Buffer.from(BIG).toString('base64') },
    immutable: false,
  } as unknown as KubernetesObject;
}

/**
 * The API as the informer sees it: LIST honours limit and continue (tokens are opaque strings), core lists
 * answer with `_continue` as client-node's typed clients do. `failOnce` makes one continue request a 410.
 */
function fakeApi(items: KubernetesObject[], opts: { continueField?: 'continue' | '_continue'; failOnce?: (call: number, page: ListPage) => boolean } = {}) {
  const calls: ListPage[] = [];
  let failed = false;
  const api = {
    list: async (_k: WatchedKind, _v: string, _ns: string | undefined, page: ListPage = {}) => {
      calls.push({ ...page });
      if (!failed && opts.failOnce?.(calls.length, page)) {
        failed = true;
        throw Object.assign(new Error('The provided continue parameter is too old'), { code: 410 });
      }
      const start = page.continue ? Number(page.continue.replace('token-', '')) : 0;
      const end = page.limit ? Math.min(items.length, start + page.limit) : items.length;
      const more = end < items.length ? { [opts.continueField ?? '_continue']: `token-${end}` } : {};
      // a fresh copy per call, as from the wire
      return { metadata: { resourceVersion: '5000', ...more }, items: items.slice(start, end).map((o) => structuredClone(o)) };
    },
  };
  return { api: api as unknown as Api, calls };
}

/** A watch that records its requests and lets the test send events into the informer. */
function fakeWatch() {
  const requests: { path: string; query: Record<string, unknown> }[] = [];
  let send: ((phase: string, obj: KubernetesObject) => void) | undefined;
  const watch: WatchLike = {
    watch: async (path, query, callback) => {
      requests.push({ path, query });
      send = callback;
      return new AbortController();
    },
  };
  return { watch, requests, send: (phase: string, obj: KubernetesObject) => send!(phase, obj) };
}

async function startInformer(k: WatchedKind, api: Api, watch: WatchLike) {
  const events: { type: EventType; obj: KubernetesObject }[] = [];
  let synced!: () => void;
  const isSynced = new Promise<void>((r) => (synced = r));
  const errors: unknown[] = [];
  const inf = new KindInformer(k, {} as KubeConfig, api, undefined, defaultTiming, pino({ level: 'silent' }), (type, obj) => events.push({ type, obj }), synced, () => errors.push('error'), watch);
  void inf.start();
  await isSynced;
  return { inf, events, errors };
}

describe('the informer cache keeps only what the resolver reads', () => {
  const items = Array.from({ length: 150 }, (_, i) => bulkyConfigMap(i));

  it('stores ConfigMaps with metadata and ca.crt only: no other data, no managedFields, annotations or labels', async () => {
    const { api } = fakeApi(items);
    const w = fakeWatch();
    const { inf } = await startInformer(kind('ConfigMap'), api, w.watch);
    try {
      const stored = inf.list();
      expect(stored).toHaveLength(150);
      for (const o of stored) {
        expect(Object.keys(o).sort()).toEqual(['apiVersion', 'data', 'kind', 'metadata']);
        expect(o).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
        expect((o as { data: unknown }).data).toEqual({ 'ca.crt': PEM });
        expect(Object.keys(o.metadata!).sort()).toEqual(['creationTimestamp', 'name', 'namespace', 'resourceVersion', 'uid']);
        expect(o.metadata!.creationTimestamp).toBe('2026-01-01T00:00:00Z');
      }
      expect(inf.get('bulk', 'cm-7')?.metadata).toEqual({ name: 'cm-7', namespace: 'bulk', uid: 'uid-7', resourceVersion: '1007', creationTimestamp: '2026-01-01T00:00:00Z' });
      // 150 objects of ~600 kB each on the wire; a few kB each in the cache
      expect(JSON.stringify(stored).length).toBeLessThan(150 * (PEM.length + 400));
    } finally {
      await inf.stop();
    }
  });

  it('trims watch events before they are stored and before the controller sees them', async () => {
    const { api } = fakeApi(items.slice(0, 3));
    const w = fakeWatch();
    const { inf, events } = await startInformer(kind('ConfigMap'), api, w.watch);
    try {
      expect(w.requests).toHaveLength(1);
      expect(w.requests[0]!.query).toMatchObject({ resourceVersion: '5000', allowWatchBookmarks: true });
      const changed = bulkyConfigMap(1);
      changed.metadata!.resourceVersion = '6001';
      (changed as { data: Record<string, string> }).data['ca.crt'] = 'new';
      w.send('MODIFIED', changed);
      w.send('ADDED', bulkyConfigMap(99));
      const stored = inf.get('bulk', 'cm-1')!;
      expect(stored).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-1', namespace: 'bulk', uid: 'uid-1', resourceVersion: '6001', creationTimestamp: '2026-01-01T00:00:00Z' }, data: { 'ca.crt': 'new' } });
      expect(inf.get('bulk', 'cm-99')).toBeDefined();
      expect(JSON.stringify(inf.list())).not.toContain(BIG.slice(0, 100));
      const seen = events.filter((e) => e.obj.metadata?.name === 'cm-1' || e.obj.metadata?.name === 'cm-99');
      expect(seen.map((e) => e.type)).toEqual(['add', 'update', 'add']);
      expect(JSON.stringify(seen)).not.toContain('managedFields');
      w.send('DELETED', changed);
      expect(inf.get('bulk', 'cm-1')).toBeUndefined();
    } finally {
      await inf.stop();
    }
  });
});

describe('lists are read in pages', () => {
  const items = Array.from({ length: 150 }, (_, i) => bulkyConfigMap(i));

  it('asks for at most DATA_PAGE_SIZE ConfigMaps at a time and follows the continue tokens to the end', async () => {
    const { api, calls } = fakeApi(items);
    const { inf } = await startInformer(kind('ConfigMap'), api, fakeWatch().watch);
    try {
      expect(inf.list()).toHaveLength(150);
      // the first call only discovers the served version
      const [discover, ...pages] = calls;
      expect(discover).toEqual({ limit: 1 });
      expect(pages).toHaveLength(Math.ceil(150 / DATA_PAGE_SIZE));
      expect(pages[0]).toEqual({ limit: DATA_PAGE_SIZE, continue: undefined });
      pages.slice(1).forEach((p, i) => expect(p).toEqual({ limit: DATA_PAGE_SIZE, continue: `token-${(i + 1) * DATA_PAGE_SIZE}` }));
    } finally {
      await inf.stop();
    }
  });

  it('reads `continue` of custom resource lists too (kinds without data use the default page)', async () => {
    const routes = Array.from({ length: 1200 }, (_, i) => ({ metadata: { name: `r${i}`, namespace: 'a', resourceVersion: String(i) }, spec: { parentRefs: [{ name: 'gw' }] } }));
    const { api, calls } = fakeApi(routes, { continueField: 'continue' });
    const { inf } = await startInformer(kind('HTTPRoute'), api, fakeWatch().watch);
    try {
      expect(inf.list()).toHaveLength(1200);
      expect(calls.slice(1).map((c) => c.limit)).toEqual([DEFAULT_PAGE_SIZE, DEFAULT_PAGE_SIZE, DEFAULT_PAGE_SIZE]);
      expect(calls.slice(1).map((c) => c.continue)).toEqual([undefined, 'token-500', 'token-1000']);
    } finally {
      await inf.stop();
    }
  });

  it('starts the list over when a continue token has expired (410 Gone), and keeps no half list', async () => {
    const { api, calls } = fakeApi(items, { failOnce: (_n, page) => page.continue === `token-${3 * DATA_PAGE_SIZE}` });
    const { inf, errors } = await startInformer(kind('ConfigMap'), api, fakeWatch().watch);
    try {
      expect(inf.list()).toHaveLength(150);
      expect(new Set(inf.list().map((o) => o.metadata!.name)).size).toBe(150);
      const pages = calls.slice(1);
      // three pages, the failed fourth, then the whole list again from its first page
      expect(pages.map((p) => p.continue ?? 'first').slice(0, 5)).toEqual(['first', `token-${DATA_PAGE_SIZE}`, `token-${2 * DATA_PAGE_SIZE}`, `token-${3 * DATA_PAGE_SIZE}`, 'first']);
      expect(pages).toHaveLength(4 + Math.ceil(150 / DATA_PAGE_SIZE));
      expect(errors).toEqual([]);
    } finally {
      await inf.stop();
    }
  });
});

describe('trimming changes no status', () => {
  // every fixture world of the status tests, and one with every edge the resolver follows
  const pem = makeCaPem();
  const edges: KubeObject[] = [
    ourClass,
    { ...gateway('gw1', 'infra'), spec: { gatewayClassName: 'ours', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] }, status: { conditions: [] } },
    gateway('other', 'infra', 'theirs'),
    service('svc', 'app'),
    service('mirror', 'app'),
    { ...caMap('ca', pem, 'app'), metadata: { name: 'ca', namespace: 'app', annotations: { a: 'b' } }, data: { 'ca.crt': pem, unrelated: 'z' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bin', namespace: 'app' }, binaryData: { 'ca.crt': Buffer.from(pem).toString('base64'), other: 'AA==' } },
    configMap('no-ca', { other: 'x' }, 'app'),
    route('HTTPRoute', 'r1', 'app', [{ name: 'gw1', namespace: 'infra', sectionName: 'http' }], [{ name: 'svc' }]),
    route('GRPCRoute', 'r2', 'infra', [{ name: 'gw1' }], [{ name: 'svc', namespace: 'app' }]),
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r3', namespace: 'app' },
      spec: {
        parentRefs: [{ name: 'gw1', namespace: 'infra' }],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'mirror', port: 443 } } }, { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [] } }],
            backendRefs: [{ name: 'other', port: 443, filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'mirror' } } }] }],
          },
        ],
      },
    },
    referenceGrant('app', 'infra', 'GRPCRoute'),
    policy('p1', 'app', { name: 'svc' }, { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca' }, { group: '', kind: 'ConfigMap', name: 'bin' }] }),
    policy('p2', 'app', { name: 'mirror' }, { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'no-ca' }] }),
    policy('p3', 'app', { name: 'svc', sectionName: 'nope' }),
  ];
  const worlds: [string, KubeObject[]][] = [
    ['edges', edges],
    ...['backendtlspolicy.yaml', 'backendtlspolicy-conflict-resolution.yaml', 'backendtlspolicy-invalid-ca-certificate-ref.yaml', 'backendtlspolicy-invalid-kind.yaml', 'backendtlspolicy-san.yaml'].map(
      (f): [string, KubeObject[]] => [f, loadFixture('base.yaml', f)],
    ),
  ];
  const trim = (objects: KubeObject[]) => objects.map((o) => trimmerFor(o.kind as string, o.apiVersion as string)(o as KubernetesObject) as unknown as KubeObject);

  it.each(worlds)('%s: resolving the trimmed objects gives the statuses of the whole objects', (_name, objects) => {
    const whole = resolveObjects(objects);
    expect(whole.length).toBeGreaterThan(0);
    expect(resolveObjects(trim(objects))).toEqual(whole);
  });

  it('keeps only the read fields of each kind', () => {
    const t = Object.fromEntries(trim(edges).map((o) => [`${o.kind}/${o.metadata?.name}`, o]));
    expect(t['Gateway/gw1']).toEqual({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw1', namespace: 'infra' }, spec: { gatewayClassName: 'ours' } });
    expect(t['ConfigMap/bin']).toMatchObject({ binaryData: { 'ca.crt': expect.any(String) } });
    expect(Object.keys((t['ConfigMap/bin'] as { binaryData: object }).binaryData)).toEqual(['ca.crt']);
    expect(t['ConfigMap/no-ca']).not.toHaveProperty('data');
    expect((t['HTTPRoute/r3'] as { spec: unknown }).spec).toEqual({
      parentRefs: [{ name: 'gw1', namespace: 'infra' }],
      rules: [{ filters: [{ requestMirror: { backendRef: { name: 'mirror' } } }], backendRefs: [{ name: 'other', filters: [{ requestMirror: { backendRef: { name: 'mirror' } } }] }] }],
    });
  });
});
