/**
 * The status shapes of gateway.networking.k8s.io/v1 (apis/v1/policy_types.go), as they travel as JSON.
 * Field names and optionality follow the Go types, so what we compute is what the API server stores.
 */

/** metav1.Condition; lastTransitionTime is RFC 3339 with second precision, as the API server keeps it. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** ParentReference as used in PolicyAncestorStatus.ancestorRef. */
export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface PolicyAncestorStatus {
  ancestorRef: ParentReference;
  controllerName: string;
  conditions: Condition[];
}

/** PolicyStatus: `ancestors` is required by the schema, so it is always present (possibly empty). */
export interface PolicyStatus {
  ancestors: PolicyAncestorStatus[];
}

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
/** schema MaxItems of PolicyStatus.ancestors */
export const MAX_ANCESTORS = 16;
