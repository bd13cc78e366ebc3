import { CoreV1Api, CustomObjectsApi, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
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
  constructor(kc: KubeConfig) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
  }

  /**
   * One LIST call; with `page.limit` the server returns at most that many items and a continue token in
   * `metadata.continue` (`metadata._continue` through the typed core clients: see `continueOf`).
   */
  async list(k: WatchedKind, version: string, namespace?: string, page: ListPage = {}): Promise<KubernetesListObject<KubernetesObject>> {
    const ns = k.namespaced ? namespace : undefined;
    const p = { ...(page.limit ? { limit: page.limit } : {}), ...(page.continue ? { _continue: page.continue } : {}) };
    if (k.group === '') {
      switch (k.kind) {
        case 'Service':
          return ns ? this.core.listNamespacedService({ namespace: ns, ...p }) : this.core.listServiceForAllNamespaces(p);
        case 'ConfigMap':
          return ns ? this.core.listNamespacedConfigMap({ namespace: ns, ...p }) : this.core.listConfigMapForAllNamespaces(p);
        case 'Secret':
          return ns ? this.core.listNamespacedSecret({ namespace: ns, ...p }) : this.core.listSecretForAllNamespaces(p);
        default:
          throw new Error(`no list call for core kind ${k.kind}`);
      }
    }
    const base = { group: k.group, version, plural: k.plural, ...p };
    return (ns ? this.custom.listNamespacedCustomObject({ ...base, namespace: ns }) : this.custom.listClusterCustomObject(base)) as Promise<
      KubernetesListObject<KubernetesObject>
    >;
  }

  async get(k: WatchedKind, version: string, namespace: string, name: string): Promise<KubernetesObject> {
    return (await this.custom.getNamespacedCustomObject({ group: k.group, version, namespace, plural: k.plural, name })) as KubernetesObject;
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
    })) as KubernetesObject;
  }
}
