/**
 * Condition types and reasons, spelled exactly as the API constants in sigs.k8s.io/gateway-api v1.6.1
 * (apis/v1/policy_types.go and apis/v1/backendtlspolicy_types.go). Tests compare against these.
 */
export const ConditionType = {
  /** PolicyConditionAccepted */
  Accepted: 'Accepted',
  /** BackendTLSPolicyConditionResolvedRefs */
  ResolvedRefs: 'ResolvedRefs',
} as const;

export const Reason = {
  // Accepted
  /** PolicyReasonAccepted */
  Accepted: 'Accepted',
  /** PolicyReasonConflicted: another policy targets the same Service and sectionName and takes precedence */
  Conflicted: 'Conflicted',
  /** PolicyReasonInvalid: wellKnownCACertificates names a set this writer does not support */
  Invalid: 'Invalid',
  /** PolicyReasonTargetNotFound: the target Service, or the port named by sectionName, does not exist */
  TargetNotFound: 'TargetNotFound',
  /** BackendTLSPolicyReasonNoValidCACertificate: every caCertificateRef is invalid */
  NoValidCACertificate: 'NoValidCACertificate',
  // ResolvedRefs
  /** BackendTLSPolicyReasonResolvedRefs */
  ResolvedRefs: 'ResolvedRefs',
  /** BackendTLSPolicyReasonInvalidCACertificateRef: missing object, no ca.crt, empty or not PEM certificates */
  InvalidCACertificateRef: 'InvalidCACertificateRef',
  /** BackendTLSPolicyReasonInvalidKind: a ref's group/kind is not a supported CA kind */
  InvalidKind: 'InvalidKind',
  /**
   * Implementation-specific (the API lets implementations check expiry "with an implementation-specific
   * Reason"): every certificate in the ref's ca.crt is past its notAfter. A bundle with at least one
   * currently valid certificate is a valid ref, so that CA rotation (old + new in one bundle) is not flagged.
   * Spelled to fit metav1.Condition's reason pattern (no domain prefix is allowed there).
   */
  ExpiredCACertificate: 'ExpiredCACertificate',
  /** Implementation-specific: every certificate in the ref's ca.crt is before its notBefore. */
  NotYetValidCACertificate: 'NotYetValidCACertificate',
  /**
   * Implementation-specific: no certificate in the ref's ca.crt is valid now, some have expired and the others
   * are not valid yet (a CA rotation with a gap). Neither of the two reasons above would be true of the bundle.
   */
  ExpiredOrNotYetValidCACertificate: 'ExpiredOrNotYetValidCACertificate',
} as const;

export type ReasonName = (typeof Reason)[keyof typeof Reason];
