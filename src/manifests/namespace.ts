import type { LoadResult } from './types.js';

/**
 * Kinds without a namespace that an input may hold next to policies. kubectl gives `-n` only to namespaced
 * resources (it asks the API's RESTMapper); offline, these are the cluster-scoped kinds one meets in manifests.
 */
const clusterScoped = new Set([
  'GatewayClass', 'Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService',
  'PersistentVolume', 'StorageClass', 'PriorityClass', 'IngressClass', 'Node', 'List',
]);

/**
 * `-n NS` with files, as `kubectl apply -f FILE -n NS`: an object without a namespace is in NS, and an object of
 * another namespace is an input error with kubectl's words (and is not checked). The loaded objects are changed
 * in place; their source text, which findings point into, is not.
 */
export function applyNamespace(loaded: LoadResult, namespace: string): LoadResult {
  const objects: LoadResult['objects'] = [];
  for (const lo of loaded.objects) {
    const o = lo.object;
    const md = o.metadata;
    if (typeof o.kind === 'string' && clusterScoped.has(o.kind)) objects.push(lo);
    else if (md !== undefined && (typeof md !== 'object' || md === null || Array.isArray(md))) objects.push(lo); // the schema reports it
    else if (md && typeof md.namespace === 'string' && md.namespace !== '' && md.namespace !== namespace) {
      loaded.errors.push({
        source: lo.source,
        message: `the namespace from the provided object "${md.namespace}" does not match the namespace "${namespace}". You must pass '--namespace=${md.namespace}' to perform this operation.`,
      });
    } else {
      lo.object = { ...o, metadata: { ...(md ?? {}), namespace } };
      objects.push(lo);
    }
  }
  loaded.objects = objects;
  return loaded;
}
