/**
 * The only constructors of an admission decision (controller-runtime's Allowed / Denied / Patched / Errored).
 * `review.ts` builds every answer from these, so the shapes the apiserver sees are defined in one place.
 */
import type { Finding, JsonPatchOp } from '../rules/types.js';
import type { Decision, StatusCause } from './types.js';

export const POLICY_GROUP = 'gateway.networking.k8s.io';
export const POLICY_KIND = 'BackendTLSPolicy';

/**
 * Bounds on what one response carries back. The values come from the object under review, so a hostile
 * object (a 100 kB hostname, 100k list entries) must not turn into a multi-megabyte denial that the apiserver
 * then writes to its log and to the user's terminal.
 */
export const LIMITS = { causes: 100, messageChars: 2048, totalMessageChars: 16384, warnings: 50 } as const;

/** The codes `errored` answers with; a denial (422 Invalid) is `denied`'s. */
type ErrorCode = 400 | 500;
const REASON_BY_CODE: Record<ErrorCode, string> = {
  400: 'BadRequest',
  500: 'InternalError',
};

/** Admit, with any warnings the user should see (kubectl prints them as `Warning: ...`). */
export function allowed(warnings: string[] = []): Decision {
  return warnings.length > 0 ? { allowed: true, warnings: boundWarnings(warnings) } : { allowed: true };
}

/**
 * Reject with the apiserver's own shape of a validation failure (HTTP 422, reason Invalid), so kubectl prints
 * `The BackendTLSPolicy "NAME" is invalid: ...` exactly as for a schema error. Warn-severity findings among
 * `findings` travel as warnings; there must be at least one deny-severity finding.
 */
export function denied(findings: Finding[], name: string): Decision {
  const deny = findings.filter((f) => f.severity === 'deny');
  if (deny.length === 0) throw new Error('denied() needs at least one deny-severity finding');
  const shown = deny.slice(0, LIMITS.causes);
  const causes: StatusCause[] = shown.map((f) => ({
    reason: f.reason,
    field: truncate(f.field),
    message: truncate(f.message),
  }));
  const errors = unique(causes.map((c) => `${c.field}: ${c.message}`));
  if (deny.length > shown.length) errors.push(`<nil>: Too many: ${deny.length} errors, only the first ${shown.length} are shown`);
  const body = errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
  const warnings = warningsOf(findings);
  return {
    allowed: false,
    status: {
      code: 422,
      reason: 'Invalid',
      message: truncate(`${POLICY_KIND}.${POLICY_GROUP} ${JSON.stringify(truncate(name))} is invalid: ${body}`, LIMITS.totalMessageChars),
      details: { name: truncate(name), group: POLICY_GROUP, kind: POLICY_KIND, causes },
    },
    ...(warnings.length > 0 ? { warnings: boundWarnings(warnings) } : {}),
  };
}

/** Admit with an RFC 6902 patch (base64 of the JSON array); no patch at all when there is nothing to change. */
export function patched(ops: JsonPatchOp[]): Decision {
  if (ops.length === 0) return allowed();
  return {
    allowed: true,
    patchType: 'JSONPatch',
    patch: Buffer.from(JSON.stringify(ops.map(rfc6902)), 'utf8').toString('base64'),
  };
}

/** The operation as RFC 6902 has it: the rule that made it stays out of the patch. */
function rfc6902(op: JsonPatchOp): JsonPatchOp {
  const { rule: _rule, ...plain } = op;
  return plain;
}

/**
 * The review could not be processed (malformed request: 400; our own failure: 500). Not a verdict on the
 * object: the apiserver shows `message` to the user and applies no failurePolicy (the webhook did answer).
 */
export function errored(code: ErrorCode, message: string): Decision {
  return { allowed: false, status: { code, reason: REASON_BY_CODE[code], message: truncate(message) } };
}

/** `field: message` for each warn-severity finding, as the warnings kubectl prints. */
export function warningsOf(findings: Finding[]): string[] {
  return unique(findings.filter((f) => f.severity === 'warn').map((f) => `${f.field}: ${f.message}`));
}

function boundWarnings(warnings: string[]): string[] {
  // the apiserver drops warnings with control characters and truncates long ones; do it here, predictably
  const out = warnings.slice(0, LIMITS.warnings).map((w) => truncate(w.replace(/[\u0000-\u001f\u007f]/g, ' ')));
  if (warnings.length > LIMITS.warnings) out.push(`${warnings.length - LIMITS.warnings} more warnings not shown`);
  return out;
}

function truncate(s: string, max: number = LIMITS.messageChars): string {
  return s.length <= max ? s : `${s.slice(0, max)}... (truncated, ${s.length} chars)`;
}

/** The apiserver's aggregate error prints each distinct message once, in order. */
function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
