/**
 * The webhook's core: one AdmissionRequest in, one AdmissionResponse out. Pure (no I/O, no clock, no logging):
 * the server logs and counts from the `ReviewResult`, and `dryRun` needs no special case because nothing here
 * has side effects.
 */
import type { Engine, Finding, JsonPatchOp } from '../rules/types.js';
import { POLICY_GROUP, POLICY_KIND, allowed, denied, errored, patched, warningsOf } from './response.js';
import type { AdmissionRequest, AdmissionResponse, Decision } from './types.js';

export type Verdict = 'allowed' | 'denied' | 'patched' | 'errored';

/** Why a request was admitted without evaluation; absent when the rules ran. */
export type SkipReason = 'operation' | 'kind' | 'subresource';

export interface ReviewResult {
  response: AdmissionResponse;
  verdict: Verdict;
  findings: Finding[];
  ops: JsonPatchOp[];
  skipped?: SkipReason;
}

/** Validating webhook: deny-severity findings deny, warn-severity findings become warnings. */
export function review(request: AdmissionRequest, engine: Engine): AdmissionResponse {
  return validateRequest(request, engine).response;
}

/** Mutating webhook: the rule table's mutations as one JSONPatch; no patch when nothing would change. */
export function reviewMutation(request: AdmissionRequest, engine: Engine): AdmissionResponse {
  return mutateRequest(request, engine).response;
}

export function validateRequest(request: AdmissionRequest, engine: Engine): ReviewResult {
  const skipped = skipReason(request);
  if (skipped !== undefined) return result(request, allowed(), [], [], skipped);
  let findings: Finding[];
  try {
    const operation = request.operation;
    findings = engine.evaluate(request.object, operation === 'UPDATE' ? { operation, oldObject: request.oldObject } : { operation });
  } catch (err) {
    return result(request, errored(500, `evaluating the ${POLICY_KIND} failed: ${messageOf(err)}`), [], []);
  }
  const decision =
    findings.length === 0
      ? allowed()
      : findings.some((f) => f.severity === 'deny')
        ? denied(findings, objectName(request))
        : allowed(warningsOf(findings));
  return result(request, decision, findings, []);
}

export function mutateRequest(request: AdmissionRequest, engine: Engine): ReviewResult {
  const skipped = skipReason(request);
  if (skipped !== undefined) return result(request, allowed(), [], [], skipped);
  let ops: JsonPatchOp[];
  try {
    ops = engine.mutate(request.object);
  } catch (err) {
    return result(request, errored(500, `mutating the ${POLICY_KIND} failed: ${messageOf(err)}`), [], []);
  }
  return result(request, patched(ops), [], ops);
}

/** DELETE and CONNECT, other kinds, and subresources (status) are admitted as they are. */
function skipReason(request: AdmissionRequest): SkipReason | undefined {
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return 'operation';
  if (request.kind.group !== POLICY_GROUP || request.kind.kind !== POLICY_KIND) return 'kind';
  // status is written by controllers through the status subresource; spec rules must not block it
  if (request.subResource !== undefined && request.subResource !== '') return 'subresource';
  return undefined;
}

function result(
  request: AdmissionRequest,
  decision: Decision,
  findings: Finding[],
  ops: JsonPatchOp[],
  skipped?: SkipReason,
): ReviewResult {
  const verdict: Verdict = !decision.allowed
    ? decision.status?.code === 422
      ? 'denied'
      : 'errored'
    : decision.patch !== undefined
      ? 'patched'
      : 'allowed';
  // built without spreading optional parts: this runs on every review, and each spread of a literal allocates
  const out: ReviewResult = { response: { uid: request.uid, ...decision }, verdict, findings, ops };
  if (skipped !== undefined) out.skipped = skipped;
  return out;
}

/** The name the apiserver would print: the request's, else the object's (both empty for generateName). */
export function objectName(request: AdmissionRequest): string {
  if (request.name) return request.name;
  const meta = (request.object as { metadata?: { name?: unknown } } | null | undefined)?.metadata;
  return typeof meta?.name === 'string' ? meta.name : '';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
