import { loadInputs } from '../manifests/load.js';
import { applyNamespace } from '../manifests/namespace.js';
import type { LoadResult } from '../manifests/types.js';
import type { ClusterOptions } from './flags.js';

/**
 * Where `check` and `status` read their objects: files and stdin (with `-n`, in that namespace), or a cluster with
 * `--cluster`. The cluster
 * client loads only then (it takes most of a second). A cluster that cannot be read is an error message.
 */
export async function loadSource(
  paths: string[],
  cluster: ClusterOptions | undefined,
  stdin: NodeJS.ReadableStream,
  purpose: 'check' | 'status',
): Promise<LoadResult | { error: string }> {
  if (!cluster?.cluster) {
    const loaded = await loadInputs(paths, stdin);
    return cluster?.namespace ? applyNamespace(loaded, cluster.namespace) : loaded;
  }
  try {
    const { loadClusterInputs } = await import('./inputs.js');
    return await loadClusterInputs(cluster, purpose);
  } catch (err) {
    return { error: `cannot read the cluster: ${err instanceof Error ? err.message : String(err)}` };
  }
}
