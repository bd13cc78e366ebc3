import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../rules/types.js';

export interface ClusterScope {
  /** one namespace, or every namespace when undefined */
  namespace?: string;
}

const group = 'gateway.networking.k8s.io';

/**
 * The objects a cluster audit needs: every BackendTLSPolicy in scope and the ConfigMaps and Services they
 * may reference, as plain JSON (the same shape as objects read from files).
 */
export async function readCluster(kc: KubeConfig, scope: ClusterScope): Promise<KubeObject[]> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const ns = scope.namespace;
  const [policies, configMaps, services] = await Promise.all([
    ns
      ? custom.listNamespacedCustomObject({ group, version: 'v1', namespace: ns, plural: 'backendtlspolicies' })
      : custom.listClusterCustomObject({ group, version: 'v1', plural: 'backendtlspolicies' }),
    ns ? core.listNamespacedConfigMap({ namespace: ns }) : core.listConfigMapForAllNamespaces(),
    ns ? core.listNamespacedService({ namespace: ns }) : core.listServiceForAllNamespaces(),
  ]);
  const plain = (o: unknown) => JSON.parse(JSON.stringify(o)) as KubeObject;
  return [
    ...((policies as { items?: unknown[] }).items ?? []).map(plain).map((o) => ({ apiVersion: `${group}/v1`, kind: 'BackendTLSPolicy', ...o })),
    ...configMaps.items.map(plain).map((o) => ({ ...o, apiVersion: 'v1', kind: 'ConfigMap' })),
    ...services.items.map(plain).map((o) => ({ ...o, apiVersion: 'v1', kind: 'Service' })),
  ];
}
