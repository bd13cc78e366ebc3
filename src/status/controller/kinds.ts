/** The kinds the writer watches, and where the API serves them. Versions are tried in order (first served wins). */
export interface WatchedKind {
  kind: string;
  group: string; // '' for core
  versions: string[];
  plural: string;
  namespaced: boolean;
  /** a missing CRD is normal for this kind (e.g. TLSRoute in the standard channel before v1.5) */
  optional: boolean;
  /**
   * read from every namespace even when the writer is scoped to one (--namespace): Routes and Gateways in
   * any namespace can reach a Service of the scoped namespace, and leaving them out would make the writer
   * delete correct ancestor entries
   */
  clusterWide?: boolean;
  /** items per LIST page (default DEFAULT_PAGE_SIZE) */
  pageSize?: number;
}

/**
 * Items per LIST page. A page is in memory whole three times over at its peak (the response text, the
 * parsed JSON, the typed client's copy) before it is trimmed, so the page of a kind that carries data is
 * small: a ConfigMap or Secret can hold up to 1 MiB, and DATA_PAGE_SIZE of those stay well inside the
 * webhook's 160 MB heap. Other kinds are a few kB at most and use client-go's default page.
 */
export const DEFAULT_PAGE_SIZE = 500;
export const DATA_PAGE_SIZE = 10;

const GW = 'gateway.networking.k8s.io';

export const POLICY_KIND: WatchedKind = { kind: 'BackendTLSPolicy', group: GW, versions: ['v1'], plural: 'backendtlspolicies', namespaced: true, optional: false };

export function watchedKinds(withSecrets: boolean): WatchedKind[] {
  return [
    POLICY_KIND,
    { kind: 'Service', group: '', versions: ['v1'], plural: 'services', namespaced: true, optional: false },
    { kind: 'ConfigMap', group: '', versions: ['v1'], plural: 'configmaps', namespaced: true, optional: false, pageSize: DATA_PAGE_SIZE },
    ...(withSecrets ? [{ kind: 'Secret', group: '', versions: ['v1'], plural: 'secrets', namespaced: true, optional: false, pageSize: DATA_PAGE_SIZE }] : []),
    { kind: 'HTTPRoute', group: GW, versions: ['v1', 'v1beta1'], plural: 'httproutes', namespaced: true, optional: true, clusterWide: true },
    { kind: 'GRPCRoute', group: GW, versions: ['v1'], plural: 'grpcroutes', namespaced: true, optional: true, clusterWide: true },
    { kind: 'TLSRoute', group: GW, versions: ['v1', 'v1alpha3', 'v1alpha2'], plural: 'tlsroutes', namespaced: true, optional: true, clusterWide: true },
    { kind: 'Gateway', group: GW, versions: ['v1', 'v1beta1'], plural: 'gateways', namespaced: true, optional: true, clusterWide: true },
    { kind: 'GatewayClass', group: GW, versions: ['v1', 'v1beta1'], plural: 'gatewayclasses', namespaced: false, optional: true },
    { kind: 'ReferenceGrant', group: GW, versions: ['v1', 'v1beta1'], plural: 'referencegrants', namespaced: true, optional: true },
  ];
}

/**
 * The namespace to list a kind in when the writer or `status --cluster` is scoped to `namespace`: the scope
 * picks the policies and what they name in their own namespace (Services, ConfigMaps, Secrets, and the
 * ReferenceGrants that let other namespaces' Routes refer to those Services); Routes and Gateways are read
 * cluster-wide, cluster-scoped kinds always are.
 */
export function listNamespace(k: WatchedKind, namespace: string | undefined): string | undefined {
  return k.namespaced && !k.clusterWide ? namespace : undefined;
}

export function resourcePath(k: WatchedKind, version: string, namespace?: string): string {
  const base = k.group === '' ? `/api/${version}` : `/apis/${k.group}/${version}`;
  return k.namespaced && namespace ? `${base}/namespaces/${namespace}/${k.plural}` : `${base}/${k.plural}`;
}
