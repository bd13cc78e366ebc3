/**
 * Checks that a parsed JSON body is an AdmissionReview v1 request this webhook can answer.
 *
 * Two kinds of rejection, chosen by what the apiserver can use:
 * - `bad-request` (HTTP 400, plain JSON error): the body is not an AdmissionReview v1 with a `request.uid`.
 *   The apiserver only accepts a response that is an AdmissionReview of the version it sent and that echoes
 *   its uid, so there is nothing useful to put in a review; a kube-apiserver never sends such a body, and a
 *   400 tells whoever did exactly what is wrong. (If it ever came from an apiserver, the 400 counts as a
 *   failed call and the webhook's failurePolicy applies.)
 * - `errored` (HTTP 200, AdmissionReview `allowed: false`, `status.code` 400): the review has a uid but its
 *   request has the wrong shape (unknown operation, object that is not an object, ...). Answering with a
 *   review lets the apiserver show our message to the kubectl user instead of a generic "failed calling
 *   webhook", and the request is refused whatever the failurePolicy.
 */
import type { Operation } from '../rules/types.js';
import { ADMISSION_API_VERSION, ADMISSION_KIND, type AdmissionRequest, type GroupVersionKind } from './types.js';

export type ParseResult =
  | { kind: 'ok'; request: AdmissionRequest }
  | { kind: 'bad-request'; message: string }
  | { kind: 'errored'; uid: string; message: string; facts: ReviewFacts };

/** What can be told about a malformed request for logs and metrics: its fields that have the right type. */
export interface ReviewFacts {
  operation?: Operation;
  namespace?: string;
  name?: string;
}

const OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];
/** Kubernetes uids are 36-character UUIDs; anything much longer is not from an apiserver and is not echoed. */
const MAX_UID_CHARS = 128;

export function parseAdmissionReview(body: unknown): ParseResult {
  if (!isObject(body)) return bad(`body must be a JSON object (an ${ADMISSION_KIND}), got ${typeName(body)}`);
  if (body.apiVersion !== ADMISSION_API_VERSION) {
    return bad(
      `unsupported apiVersion ${quote(body.apiVersion)}: this webhook serves ${ADMISSION_API_VERSION} only ` +
        `(set admissionReviewVersions: ["v1"] in the webhook configuration)`,
    );
  }
  if (body.kind !== ADMISSION_KIND) return bad(`kind must be "${ADMISSION_KIND}", got ${quote(body.kind)}`);
  const req = body.request;
  if (!isObject(req)) return bad(`request must be an object, got ${typeName(req)}`);
  const uid = req.uid;
  if (typeof uid !== 'string' || uid === '') return bad(`request.uid is required (a non-empty string), got ${quote(uid)}`);
  if (uid.length > MAX_UID_CHARS) return bad(`request.uid is longer than ${MAX_UID_CHARS} characters`);

  const problem = shapeProblem(req);
  if (problem !== undefined) return { kind: 'errored', uid, message: `malformed AdmissionReview: ${problem}`, facts: factsOf(req) };
  return { kind: 'ok', request: req as unknown as AdmissionRequest };
}

/**
 * Runs on every review: the happy path reads each field by name (a loop over field names made each read a
 * keyed lookup, several times slower) and allocates nothing; the messages are built only for a problem.
 */
function shapeProblem(req: Record<string, unknown>): string | undefined {
  const op = req.operation;
  if (op !== 'CREATE' && op !== 'UPDATE' && op !== 'DELETE' && op !== 'CONNECT') {
    return `request.operation must be one of ${OPERATIONS.join(', ')}, got ${quote(op)}`;
  }
  const gvk = gvkProblem('request.kind', req.kind);
  if (gvk !== undefined) return gvk;
  if (notString(req.name) || notString(req.namespace) || notString(req.subResource)) {
    for (const key of ['name', 'namespace', 'subResource'] as const) {
      if (notString(req[key])) return `request.${key} must be a string, got ${typeName(req[key])}`;
    }
  }
  if (req.dryRun !== undefined && typeof req.dryRun !== 'boolean') return `request.dryRun must be a boolean, got ${typeName(req.dryRun)}`;
  if (op === 'CREATE' || op === 'UPDATE') {
    if (!isObject(req.object)) return `request.object must be an object on ${op}, got ${typeName(req.object)}`;
  } else if (req.object !== undefined && req.object !== null && !isObject(req.object)) {
    return `request.object must be an object or null, got ${typeName(req.object)}`;
  }
  if (op === 'UPDATE' && !isObject(req.oldObject)) return `request.oldObject must be an object on UPDATE, got ${typeName(req.oldObject)}`;
  if (req.oldObject !== undefined && req.oldObject !== null && !isObject(req.oldObject)) {
    return `request.oldObject must be an object or null, got ${typeName(req.oldObject)}`;
  }
  return undefined;
}

function notString(v: unknown): boolean {
  return v !== undefined && typeof v !== 'string';
}

function factsOf(req: Record<string, unknown>): ReviewFacts {
  const facts: ReviewFacts = {};
  if (OPERATIONS.includes(req.operation as Operation)) facts.operation = req.operation as Operation;
  if (typeof req.namespace === 'string') facts.namespace = req.namespace;
  if (typeof req.name === 'string') facts.name = req.name;
  return facts;
}

function gvkProblem(path: string, v: unknown): string | undefined {
  if (!isObject(v)) return `${path} must be an object with group, version and kind, got ${typeName(v)}`;
  if (typeof v.group === 'string' && typeof v.version === 'string' && typeof v.kind === 'string') return undefined;
  const gvk = v as Partial<Record<keyof GroupVersionKind, unknown>>;
  for (const key of ['group', 'version', 'kind'] as const) {
    if (typeof gvk[key] !== 'string') return `${path}.${key} must be a string, got ${typeName(gvk[key])}`;
  }
  return undefined;
}

function bad(message: string): ParseResult {
  return { kind: 'bad-request', message };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v === undefined) return 'nothing';
  return `a ${typeof v}`;
}

/** A value from the body, quoted and cut short: it is echoed in an error message. */
function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v.length > 64 ? `${v.slice(0, 64)}...` : v) : typeName(v);
}
