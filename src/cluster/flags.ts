import type { Command } from 'commander';

/** kubectl's flags for reaching a cluster, shared by `check --cluster` and `status --cluster`. */
export interface ClusterOptions {
  cluster?: boolean;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
}

export function addClusterOptions(cmd: Command): Command {
  return cmd
    .option('--cluster', 'read the objects from a cluster instead of files (kubeconfig or in-cluster service account)')
    .option('--kubeconfig <file>', 'with --cluster: kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'with --cluster: kubeconfig context to use')
    .option('-n, --namespace <ns>', "with --cluster: only this namespace's policies and the objects they name there (default: the context's namespace; status still reads Routes and Gateways from every namespace); with files: the namespace of objects without one, and no object of another (as kubectl apply -f -n)")
    .option('-A, --all-namespaces', 'with --cluster: every namespace');
}

/** The namespace to read, kubectl's way: -A for all, -n, else the context's namespace, else default. */
export function scopeNamespace(o: ClusterOptions, contextNamespace: string | undefined): string | undefined {
  if (o.allNamespaces) return undefined;
  return o.namespace ?? contextNamespace ?? 'default';
}

/** Usage errors of the cluster flags; undefined when they fit together. */
export function clusterUsageError(o: ClusterOptions, paths: string[]): string | undefined {
  // -n also goes with files: as with kubectl apply -f, it is the namespace of the objects
  const clusterOnly = o.kubeconfig || o.context || o.allNamespaces;
  if (!o.cluster && clusterOnly) return '--kubeconfig, --context and -A go with --cluster';
  if (o.cluster && paths.length) return '--cluster reads the cluster: give no paths';
  if (o.namespace && o.allNamespaces) return '-n and -A exclude each other';
  return undefined;
}
