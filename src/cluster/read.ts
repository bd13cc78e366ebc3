import type { KubeConfig } from '@kubernetes/client-node';
import { Api, errorCode, listAll } from '../status/controller/http.js';
import { DEFAULT_PAGE_SIZE, listNamespace, POLICY_KIND, watchedKinds, type WatchedKind } from '../status/controller/kinds.js';
import type { KubeObject } from '../rules/types.js';

export interface ClusterScope {
  /**
   * one namespace, or every namespace when undefined: the policies and what they name in their namespace;
   * Routes and Gateways are always read whole, like cluster-scoped kinds (`listNamespace`)
   */
  namespace?: string;
}

/** What each command reads: an audit needs the policies and what they reference; status needs the whole graph. */
export function kindsFor(purpose: 'check' | 'status'): WatchedKind[] {
  const all = watchedKinds(false);
  return purpose === 'check' ? all.filter((k) => k === POLICY_KIND || k.kind === 'Service' || k.kind === 'ConfigMap') : all;
}

/**
 * Lists the kinds from the cluster as plain JSON objects, the same shape as objects read from files. An
 * optional kind whose CRD is missing (404 for every version) is read as empty; any other error is thrown.
 */
export async function readCluster(kc: KubeConfig, scope: ClusterScope, kinds: WatchedKind[]): Promise<KubeObject[]> {
  const api = new Api(kc);
  const lists = await Promise.all(
    kinds.map(async (k) => {
      const apiVersionOf = (version: string) => (k.group ? `${k.group}/${version}` : version);
      for (const version of k.versions) {
        try {
          // in pages, as the status writer lists: one LIST of every ConfigMap in a large cluster is hundreds of MiB
          const { items } = await listAll(api, k, version, listNamespace(k, scope.namespace), k.pageSize ?? DEFAULT_PAGE_SIZE, (o) => {
            const plain = JSON.parse(JSON.stringify(o)) as KubeObject;
            if (plain.metadata) delete plain.metadata.managedFields;
            return { ...plain, apiVersion: apiVersionOf(version), kind: k.kind };
          });
          return items;
        } catch (err) {
          if (errorCode(err) !== 404) throw err;
        }
      }
      if (k.optional) return [];
      throw new Error(`the cluster does not serve ${k.kind} (${k.group || 'core'} ${k.versions.join('/')}): are the Gateway API CRDs installed?`);
    }),
  );
  return lists.flat();
}
