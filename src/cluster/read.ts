import type { KubeConfig } from '@kubernetes/client-node';
import { Api, errorCode } from '../status/controller/http.js';
import { listNamespace, POLICY_KIND, watchedKinds, type WatchedKind } from '../status/controller/kinds.js';
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
      for (const version of k.versions) {
        try {
          const list = await api.list(k, version, listNamespace(k, scope.namespace));
          const apiVersion = k.group ? `${k.group}/${version}` : version;
          return (list.items ?? []).map((o) => {
            const plain = JSON.parse(JSON.stringify(o)) as KubeObject;
            if (plain.metadata) delete plain.metadata.managedFields;
            return { ...plain, apiVersion, kind: k.kind };
          });
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
