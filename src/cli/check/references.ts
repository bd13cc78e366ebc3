import type { KubeObject, ReferenceIndex } from '../../rules/types.js';

const DEFAULT_NAMESPACE = 'default';

function isCore(o: KubeObject): boolean {
  return o.apiVersion === 'v1' || o.apiVersion === undefined;
}

/**
 * The ConfigMaps and Services found in the same input, looked up by namespace and name, for the offline
 * reference checks. A namespace-less object is in `default`, like kubectl; when an input holds the same object
 * twice, the later one wins (as `kubectl apply` of the whole input would leave it).
 */
export function buildReferenceIndex(objects: Iterable<{ object: KubeObject }>): ReferenceIndex {
  const configMaps = new Map<string, KubeObject>();
  const services = new Map<string, KubeObject>();
  for (const { object: o } of objects) {
    const table = o.kind === 'ConfigMap' ? configMaps : o.kind === 'Service' ? services : undefined;
    if (!table || !isCore(o)) continue;
    const name = o.metadata?.name;
    if (typeof name !== 'string') continue;
    const ns = typeof o.metadata?.namespace === 'string' && o.metadata.namespace !== '' ? o.metadata.namespace : DEFAULT_NAMESPACE;
    table.set(`${ns}/${name}`, o);
  }
  return {
    configMap: (namespace, name) => configMaps.get(`${namespace || DEFAULT_NAMESPACE}/${name}`),
    service: (namespace, name) => services.get(`${namespace || DEFAULT_NAMESPACE}/${name}`),
  };
}
