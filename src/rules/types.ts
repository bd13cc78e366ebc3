/** Types at the boundary of the rule engine: what callers (CLI, webhook, VAP export) may rely on. */

export type Severity = 'deny' | 'warn';

/** Kubernetes field error types, as they lead a field error string ("Invalid value: ..."). */
export type FieldErrorType =
  | 'Required value'
  | 'Invalid value'
  | 'Unsupported value'
  | 'Too long'
  | 'Too many'
  | 'Forbidden'
  | 'Duplicate value'
  | 'Internal error';

/**
 * One broken rule on one object. `field + ": " + message` is the Kubernetes field error string
 * (what kube-apiserver prints), so the webhook and the CLI can show it verbatim.
 */
export interface Finding {
  /** kebab-case rule id from rules/ */
  rule: string;
  /** Kubernetes field path, e.g. `spec.validation.subjectAltNames[0].type`; `<nil>` for object-wide notes */
  field: string;
  /** the error body after `field: `, e.g. `Too many: 6: must have at most 5 items` */
  message: string;
  severity: Severity;
  /** Kubernetes StatusCause reason, e.g. `FieldValueInvalid` */
  reason: string;
}

/**
 * An RFC 6902 operation. `rule` names the mutation rule that made it, for logs and reports; it is not part of
 * RFC 6902 and never sent in a patch (src/admission/response.ts).
 */
export type JsonPatchOp = (
  | { op: 'add' | 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'test'; path: string; value: unknown }
) & { rule?: string };

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** Objects that give context to a policy: the ConfigMaps and Services it references. */
export interface ReferenceIndex {
  configMap(namespace: string, name: string): KubeObject | undefined;
  service(namespace: string, name: string): KubeObject | undefined;
}

export interface EvaluationContext {
  operation?: Operation;
  /** the stored object on UPDATE: transition rules (oldSelf) run only when it is given */
  oldObject?: unknown;
  /** when given, referential rules run (offline `btls check`, cluster audit) */
  references?: ReferenceIndex;
  /** evaluation time for certificate validity checks; defaults to now */
  now?: Date;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; generation?: number; [k: string]: unknown };
  [k: string]: unknown;
}

/** The compiled rule set: pure, synchronous, safe to share across requests. */
export interface Engine {
  readonly ruleset: string;
  /** true when the CRD's own schema and CEL rules are left to the API server (EngineOptions.crdRules) */
  readonly crdRulesSkipped?: boolean;
  evaluate(object: unknown, context?: EvaluationContext): Finding[];
  /** JSON patch that applies the rule table's mutations; empty when nothing would change */
  mutate(object: unknown): JsonPatchOp[];
}
