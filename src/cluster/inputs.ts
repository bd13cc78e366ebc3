import { dump } from 'js-yaml';
import type { LoadResult } from '../manifests/types.js';
import type { KubeObject } from '../rules/types.js';
import { loadKubeConfig } from './kubeconfig.js';
import { kindsFor, readCluster } from './read.js';
import { scopeNamespace, type ClusterOptions } from './flags.js';

/**
 * The cluster as input of `btls check`: each object is shown as the YAML `kubectl get -o yaml` would give
 * (managedFields left out), so findings point at a line of it; the source is `cluster:<namespace>/<name>`.
 */
export async function loadClusterInputs(o: ClusterOptions, purpose: 'check' | 'status'): Promise<LoadResult> {
  const kc = loadKubeConfig(o);
  const namespace = scopeNamespace(o, kc.getContextObject(kc.getCurrentContext())?.namespace);
  const objects = await readCluster(kc, { namespace }, kindsFor(purpose));
  return {
    objects: objects.map((object: KubeObject) => {
      const file = `cluster:${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
      const text = object.kind === 'BackendTLSPolicy' ? dump(object, { lineWidth: -1, noRefs: true }) : '';
      return { object, source: { file, line: 1, column: 1 }, document: { text, firstLine: 1, file } };
    }),
    errors: [],
  };
}
