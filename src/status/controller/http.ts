import {
  CoreV1Api,
  CustomObjectsApi,
  Observable,
  type ConfigurationOptions,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { MAX_CONTINUE_RELISTS } from './config.js';
import type { WatchedKind } from './kinds.js';

/**
 * The few API calls the writer makes, over client-node's generated clients (they carry the kubeconfig's
 * TLS and auth). Core kinds go through CoreV1Api, everything else through CustomObjectsApi.
 */

/** The HTTP status of a failed call, whatever shape client-node gave the error. */
export function errorCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown; response?: { statusCode?: unknown } } | undefined;
  for (const c of [e?.code, e?.statusCode, e?.response?.statusCode]) if (typeof c === 'number') return c;
  return undefined;
}

/** How long one API call (not a watch) may take by default: an apiserver that stopped answering must not hang the caller. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Per-call options for client-node's generated clients that abort the request after `ms`. client-node sets
 * no timeout of its own, and a connection the apiserver stopped answering on (a failover, a half-open TCP
 * connection) would otherwise keep the call, and whatever awaits it, pending for good.
 */
export function timeoutOptions(ms: number): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (ctx) => {
          ctx.setSignal(AbortSignal.timeout(ms));
          return new Observable(Promise.resolve(ctx));
        },
        post: (res) => new Observable(Promise.resolve(res)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

export interface ListPage {
  limit?: number;
  /** the continue token of the previous page */
  continue?: string;
}

/** The continue token of a list page, whichever client read it; undefined on the last page. */
export function continueOf(list: { metadata?: unknown }): string | undefined {
  const m = list.metadata as { continue?: unknown; _continue?: unknown } | undefined;
  const c = m?.continue ?? m?._continue;
  return typeof c === 'string' && c !== '' ? c : undefined;
}

export class Api {
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly options: ConfigurationOptions;
  constructor(kc: KubeConfig, requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.options = timeoutOptions(requestTimeoutMs);
  }

  /**
   * One LIST call; with `page.limit` the server returns at most that many items and a continue token in
   * `metadata.continue` (`metadata._continue` through the typed core clients: see `continueOf`).
   */
  async list(k: WatchedKind, version: string, namespace?: string, page: ListPage = {}): Promise<KubernetesListObject<KubernetesObject>> {
    const ns = k.namespaced ? namespace : undefined;
    const p = { ...(page.limit ? { limit: page.limit } : {}), ...(page.continue ? { _continue: page.continue } : {}) };
    const o = this.options;
    if (k.group === '') {
      switch (k.kind) {
        case 'Service':
          return ns ? this.core.listNamespacedService({ namespace: ns, ...p }, o) : this.core.listServiceForAllNamespaces(p, o);
        case 'ConfigMap':
          return ns ? this.core.listNamespacedConfigMap({ namespace: ns, ...p }, o) : this.core.listConfigMapForAllNamespaces(p, o);
        case 'Secret':
          return ns ? this.core.listNamespacedSecret({ namespace: ns, ...p }, o) : this.core.listSecretForAllNamespaces(p, o);
        default:
          throw new Error(`no list call for core kind ${k.kind}`);
      }
    }
    const base = { group: k.group, version, plural: k.plural, ...p };
    return (ns ? this.custom.listNamespacedCustomObject({ ...base, namespace: ns }, o) : this.custom.listClusterCustomObject(base, o)) as Promise<
      KubernetesListObject<KubernetesObject>
    >;
  }

  async get(k: WatchedKind, version: string, namespace: string, name: string): Promise<KubernetesObject> {
    return (await this.custom.getNamespacedCustomObject({ group: k.group, version, namespace, plural: k.plural, name }, this.options)) as KubernetesObject;
  }

  /** PUT .../status with the object's resourceVersion: optimistic concurrency, 409 when someone wrote first. */
  async replaceStatus(k: WatchedKind, version: string, obj: KubernetesObject): Promise<KubernetesObject> {
    const { namespace, name } = obj.metadata as { namespace: string; name: string };
    return (await this.custom.replaceNamespacedCustomObjectStatus({
      group: k.group,
      version,
      namespace,
      plural: k.plural,
      name,
      body: obj,
      fieldManager: 'btls-status-writer',
    }, this.options)) as KubernetesObject;
  }
}

/**
 * The whole kind, page by page (`limit` + `continue`), each item mapped by `map` before the next page is asked
 * for, so that what is held at once is the mapped items and one page. A continue token that expired (410
 * Gone: etcd compacted the list's revision away) starts the list over, a few times; then the error is thrown.
 */
export async function listAll<T>(
  api: Pick<Api, 'list'>,
  k: WatchedKind,
  version: string,
  namespace: string | undefined,
  limit: number,
  map: (o: KubernetesObject) => T,
  onRelist?: (listedSoFar: number) => void,
): Promise<{ items: T[]; resourceVersion?: string }> {
  for (let attempt = 0; ; attempt++) {
    const items: T[] = [];
    let token: string | undefined;
    let resourceVersion: string | undefined;
    try {
      do {
        const page = await api.list(k, version, namespace, { limit, continue: token });
        for (const item of page.items ?? []) items.push(map(item));
        resourceVersion = page.metadata?.resourceVersion;
        token = continueOf(page);
      } while (token !== undefined);
    } catch (err) {
      if (token !== undefined && errorCode(err) === 410 && attempt < MAX_CONTINUE_RELISTS) {
        onRelist?.(items.length);
        continue;
      }
      throw err;
    }
    return { items, resourceVersion };
  }
}
