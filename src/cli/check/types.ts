import type { InputError, SourcePosition } from '../../manifests/types.js';
import type { Severity } from '../../rules/types.js';

/** Which object a finding is about: enough to find it with kubectl. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  /** after defaulting: a namespace-less object is in `default`, like kubectl */
  namespace: string;
  name: string;
}

/** One finding of `btls check`, as every output format reports it (the JSON form is the contract). */
export interface CheckFinding {
  source: SourcePosition;
  object: ObjectRef;
  rule: string;
  field: string;
  message: string;
  severity: Severity;
}

/** One object that was read: every object is counted, only BackendTLSPolicies are evaluated. */
export interface ObjectResult {
  type: 'object';
  source: SourcePosition;
  object: ObjectRef;
  /** true for a BackendTLSPolicy (evaluated); false for context objects (ConfigMaps, Services, ...) */
  policy: boolean;
  findings: CheckFinding[];
}

/** An input that could not be read or parsed (exit code 2). */
export interface ErrorResult {
  type: 'error';
  error: InputError;
}

export type CheckResult = ObjectResult | ErrorResult;

/**
 * Totals of one run. `denied` and `warnings` count findings (so `denied + warnings` is the number of findings);
 * `errors` counts inputs that could not be read or parsed.
 */
export interface Summary {
  objects: number;
  policies: number;
  denied: number;
  warnings: number;
  errors: number;
}
