import { KubeConfig } from '@kubernetes/client-node';

export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
}

/** kubectl's rules: --kubeconfig, else $KUBECONFIG or ~/.kube/config, else the in-cluster service account. */
export function loadKubeConfig(flags: ClusterFlags): KubeConfig {
  const kc = new KubeConfig();
  if (flags.kubeconfig) kc.loadFromFile(flags.kubeconfig);
  else kc.loadFromDefault();
  if (flags.context) {
    if (!kc.getContextObject(flags.context)) throw new Error(`context "${flags.context}" not found in the kubeconfig`);
    kc.setCurrentContext(flags.context);
  }
  if (!kc.getCurrentCluster()) throw new Error('no cluster configured: pass --kubeconfig, set KUBECONFIG, or run in a cluster');
  return kc;
}
