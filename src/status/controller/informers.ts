import { makeInformer, type Informer, type KubeConfig, type KubernetesListObject, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Timing } from './config.js';
import { resourcePath, type WatchedKind } from './kinds.js';
import { errorCode, type Api } from './http.js';

export type EventType = 'add' | 'update' | 'delete';

/**
 * One informer per kind (list + watch, resumed from the last resourceVersion; client-node relists on
 * 410 Gone itself). client-node stops an informer on any other error, so we restart it with a doubling
 * delay. A kind whose CRD is not installed (404 on every version) is "synced and empty" and looked for
 * again later, so that a missing TLSRoute CRD never blocks the writer.
 */
export class KindInformer {
  private informer: (Informer<KubernetesObject> & ObjectCache<KubernetesObject>) | undefined;
  private backoffMs: number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** true once the cache holds a complete list (or the kind is known to be absent) */
  synced = false;
  absent = false;
  version: string | undefined;

  constructor(
    readonly kind: WatchedKind,
    private readonly kc: KubeConfig,
    private readonly api: Api,
    private readonly namespace: string | undefined,
    private readonly timing: Timing,
    private readonly log: Logger,
    private readonly onEvent: (type: EventType, obj: KubernetesObject) => void,
    private readonly onSynced: () => void,
    private readonly onError: () => void,
  ) {
    this.backoffMs = timing.informerBackoffMs;
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
    const listFn = async (): Promise<KubernetesListObject<KubernetesObject>> => {
      const list = await this.api.list(this.kind, version, this.namespace);
      // items of a list carry no kind; the resolver needs it on Routes
      for (const item of list.items) {
        item.kind ??= this.kind.kind;
        item.apiVersion ??= this.kind.group ? `${this.kind.group}/${version}` : version;
      }
      // the cache is filled synchronously right after this promise settles; report sync after that
      setImmediate(() => this.markSynced());
      return list;
    };
    const inf = makeInformer<KubernetesObject>(this.kc, path, listFn);
    inf.on('add', (o) => this.event('add', o));
    inf.on('update', (o) => this.event('update', o));
    inf.on('delete', (o) => this.event('delete', o));
    inf.on('error', (err) => this.handleError(err));
    return inf;
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
        await this.api.list(this.kind, v, this.namespace, 1);
        return v;
      } catch (err) {
        if (errorCode(err) === 404) continue;
        throw err;
      }
    }
    return undefined;
  }
}
