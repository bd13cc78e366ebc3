/**
 * AdmissionReview `admission.k8s.io/v1`, as far as this webhook reads and writes it (boundary types).
 * Field names and optionality follow k8s.io/api/admission/v1; what the apiserver always sends is required here
 * only when the webhook cannot work without it (see `parse.ts`).
 */
import type { JsonPatchOp, Operation } from '../rules/types.js';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';
export const ADMISSION_KIND = 'AdmissionReview';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource?: GroupVersionResource;
  subResource?: string;
  requestKind?: GroupVersionKind;
  requestResource?: GroupVersionResource;
  requestSubResource?: string;
  name?: string;
  namespace?: string;
  operation: Operation;
  userInfo?: UserInfo;
  /** the new object (CREATE, UPDATE, CONNECT); null on DELETE */
  object?: unknown;
  /** the stored object (UPDATE, DELETE) */
  oldObject?: unknown;
  dryRun?: boolean;
  options?: unknown;
}

/** metav1.StatusCause */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** metav1.StatusDetails */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

/** metav1.Status as it travels in `response.status` (apiVersion/kind are left out: the apiserver fills them). */
export interface Status {
  code: number;
  reason?: string;
  message: string;
  details?: StatusDetails;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: Status;
  /** base64 of a JSON array of RFC 6902 operations */
  patch?: string;
  patchType?: 'JSONPatch';
  warnings?: string[];
}

/** A response before its uid is filled in: what the constructors in `response.ts` build. */
export type Decision = Omit<AdmissionResponse, 'uid'>;

export interface AdmissionReview {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: typeof ADMISSION_KIND;
  request?: AdmissionRequest;
  response?: AdmissionResponse;
}

export type { JsonPatchOp, Operation };
