import { ListWatch, Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Timing } from './config.js';
import { DEFAULT_PAGE_SIZE, resourcePath, type WatchedKind } from './kinds.js';
import { errorCode, listAll, type Api } from './http.js';
import { trimmerFor } from './trim.js';

export type EventType = 'add' | 'update' | 'delete';

/** What ListWatch needs of client-node's Watch (tests pass a fake). */
export interface WatchLike {
  watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: KubernetesObject) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController>;
}

/**
 * One informer per kind (list + watch, resumed from the last resourceVersion; client-node relists on
 * 410 Gone itself). client-node stops an informer on any other error, so we restart it with a doubling
 * delay. A kind whose CRD is not installed (404 on every version) is "synced and empty" and looked for
 * again later, so that a missing TLSRoute CRD never blocks the writer.
 *
 * Memory: the cache holds every object of the kind in scope, so every object is trimmed to what the resolver
 * reads (trim.ts) before it is stored, whether it comes from a list page or a watch event; and the list is
 * read in pages (`limit` + `continue`), so that what is in flight at once is one page, not the whole cluster.
 */
export class KindInformer {
  private informer: ListWatch<KubernetesObject> | undefined;
  private readonly watcher: WatchLike;
  private backoffMs: number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** true once the cache holds a complete list (or the kind is known to be absent) */
  synced = false;
  absent = false;
  version: string | undefined;

  constructor(
    readonly kind: WatchedKind,
    kc: KubeConfig,
    private readonly api: Api,
    private readonly namespace: string | undefined,
    private readonly timing: Timing,
    private readonly log: Logger,
    private readonly onEvent: (type: EventType, obj: KubernetesObject) => void,
    private readonly onSynced: () => void,
    private readonly onError: () => void,
    watcher?: WatchLike,
  ) {
    this.backoffMs = timing.informerBackoffMs;
    this.watcher = watcher ?? new Watch(kc);
  }

  list(): KubernetesObject[] {
    return (this.informer?.list() ?? []) as KubernetesObject[];
  }

  get(namespace: string, name: string): KubernetesObject | undefined {
    return this.informer?.get(name, this.kind.namespaced ? namespace : undefined);
  }

  async start(): Promise<void> {
    if (this.stopped) return;
    try {
      this.version ??= await this.discoverVersion();
    } catch (err) {
      this.onError();
      this.log.warn({ kind: this.kind.kind, err: String(err) }, 'cannot discover the served version; retrying');
      return this.retry(this.backoff());
    }
    if (this.version === undefined) {
      if (!this.absent) this.log.warn({ kind: this.kind.kind }, 'kind not served (CRD absent); treating it as empty and looking again later');
      this.absent = true;
      this.markSynced();
      return this.retry(this.timing.absentKindRetryMs);
    }
    if (this.absent) this.log.info({ kind: this.kind.kind, version: this.version }, 'kind now served');
    this.absent = false;
    this.informer ??= this.makeInformer(this.version);
    try {
      await this.informer.start();
    } catch (err) {
      this.handleError(err);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.informer?.stop();
  }

  private makeInformer(version: string) {
    const path = resourcePath(this.kind, version, this.namespace);
    const trim = trimmerFor(this.kind.kind, this.kind.group ? `${this.kind.group}/${version}` : version);
    const listFn = async (): Promise<KubernetesListObject<KubernetesObject>> => {
      const list = await this.listPaged(version, trim);
      // the cache is filled synchronously right after this promise settles; report sync after that
      setImmediate(() => this.markSynced());
      return list;
    };
    const watch: WatchLike = { watch: (p, query, callback, done) => this.boundedWatch(p, query, (phase, obj) => callback(phase, phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED' ? trim(obj) : obj), done) };
    const inf = new ListWatch<KubernetesObject>(path, watch as unknown as Watch, listFn, false);
    inf.on('add', (o) => this.event('add', o));
    inf.on('update', (o) => this.event('update', o));
    inf.on('delete', (o) => this.event('delete', o));
    inf.on('error', (err) => this.handleError(err));
    return inf;
  }

  /**
   * One watch, bounded in time. Watch events are trimmed before ListWatch stores them (by the caller);
   * bookmarks keep the resourceVersion fresh on quiet kinds, so that a reconnect resumes the watch instead of
   * relisting the whole kind. The apiserver is asked to end the watch after a while (`timeoutSeconds`), and a
   * watch it has not ended some time after that is on a connection that died without a FIN (an apiserver
   * that failed over, a NAT that forgot the flow): it is cut, and the informer starts again. client-node's
   * Watch resolves only once the response headers arrive, so the caller gets a controller of its own at
   * once; events of a watch that was cut are dropped.
   */
  private boundedWatch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, obj: KubernetesObject) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    const seconds = Math.max(1, Math.round((this.timing.watchTimeoutMs * (1 + Math.random())) / 1000));
    const outer = new AbortController();
    let inner: AbortController | undefined;
    let over = false;
    /** ends this watch once; true the first time */
    const stop = (): boolean => {
      if (over) return false;
      over = true;
      clearTimeout(guard);
      inner?.abort();
      return true;
    };
    // ended from below (the apiserver, an error, the guard): ListWatch hears of it; aborted by ListWatch: it knows
    const end = (err: unknown) => {
      if (stop()) done(err);
    };
    const guard = setTimeout(
      () => end(new Error(`the watch of ${path} was not ended by the apiserver ${seconds} s after it began: the connection is presumed dead`)),
      seconds * 1000 + this.timing.requestTimeoutMs,
    );
    guard.unref?.();
    outer.signal.addEventListener('abort', stop);
    this.watcher
      .watch(path, { ...query, allowWatchBookmarks: true, timeoutSeconds: seconds }, (phase, obj) => (over ? undefined : callback(phase, obj)), end)
      .then((c) => {
        inner = c;
        if (over) c.abort();
      })
      .catch(end);
    return Promise.resolve(outer);
  }

  /** The whole kind, trimmed page by page (Api.listAll); when listing fails, handleError restarts the informer after a back-off. */
  private async listPaged(version: string, trim: (o: KubernetesObject) => KubernetesObject): Promise<KubernetesListObject<KubernetesObject>> {
    const { items, resourceVersion } = await listAll(this.api, this.kind, version, this.namespace, this.kind.pageSize ?? DEFAULT_PAGE_SIZE, trim, (listed) =>
      this.log.info({ kind: this.kind.kind, listed }, 'list continue token expired (410 Gone); listing again from the start'),
    );
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion }, items };
  }

  private event(type: EventType, obj: KubernetesObject) {
    this.backoffMs = this.timing.informerBackoffMs;
    obj.kind ??= this.kind.kind;
    this.onEvent(type, obj);
  }

  private markSynced() {
    if (this.synced) return;
    this.synced = true;
    this.onSynced();
  }

  private handleError(err: unknown) {
    if (this.stopped) return;
    this.onError();
    const code = errorCode(err);
    if (code === 404) this.version = undefined; // the CRD went away: rediscover
    const delay = this.backoff();
    this.log.warn({ kind: this.kind.kind, code, err: String((err as Error)?.message ?? err), retryInMs: delay }, 'informer stopped; restarting');
    this.retry(delay);
  }

  private backoff(): number {
    const d = this.backoffMs;
    this.backoffMs = Math.min(this.timing.informerBackoffMaxMs, this.backoffMs * 2);
    return d;
  }

  private retry(delayMs: number) {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.start();
    }, delayMs);
    this.timer.unref?.();
  }

  /** The first of the kind's versions the API serves; undefined when none is (CRD absent). */
  private async discoverVersion(): Promise<string | undefined> {
    for (const v of this.kind.versions) {
      try {
        await this.api.list(this.kind, v, this.namespace, { limit: 1 });
        return v;
      } catch (err) {
        if (errorCode(err) === 404) continue;
        throw err;
      }
    }
    return undefined;
  }
}
