/**
 * Every HTTP error the webhook answers with (Fastify's error catalogue habit): a code, a status and a message
 * template. docs/webhook.md lists the same codes, and test/server/errors.test.ts checks both directions.
 * Bodies are `{statusCode, code, error, message}`, the shape Fastify uses for its own errors.
 */
export const ERRORS = {
  BTLS_ERR_INVALID_JSON: { status: 400, message: 'request body is not valid JSON: %s' },
  BTLS_ERR_JSON_TOO_DEEP: { status: 400, message: 'request body nests JSON deeper than %s levels' },
  BTLS_ERR_BAD_REVIEW: { status: 400, message: 'not an AdmissionReview this webhook can answer: %s' },
  BTLS_ERR_BAD_REQUEST: { status: 400, message: 'bad request: %s' },
  BTLS_ERR_PLAIN_HTTP: { status: 400, message: 'Client sent an HTTP request to an HTTPS server.' },
  BTLS_ERR_NOT_FOUND: { status: 404, message: 'no route %s %s; routes: POST /validate, POST /mutate, GET /healthz, GET /readyz, GET /metrics' },
  BTLS_ERR_BODY_TOO_LARGE: { status: 413, message: 'request body is larger than the limit of %s bytes' },
  BTLS_ERR_JSON_TOO_MANY_VALUES: { status: 413, message: 'request body holds more than %s JSON values' },
  BTLS_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Content-Type must be application/json, got %s' },
  BTLS_ERR_TIMEOUT: { status: 408, message: 'the request did not arrive in time' },
  BTLS_ERR_HEADERS_TOO_LARGE: { status: 431, message: 'request headers are larger than the limit of %s bytes' },
  BTLS_ERR_BUSY: { status: 429, message: 'large request bodies of %s bytes are being processed already (limit %s); retry later' },
  BTLS_ERR_NOT_READY: { status: 503, message: 'not ready: %s' },
  BTLS_ERR_INTERNAL: { status: 500, message: 'internal error' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  error: string;
  message: string;
}

export class WebhookError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  constructor(code: ErrorCode, ...args: Array<string | number>) {
    super(format(ERRORS[code].message, args));
    this.code = code;
    this.statusCode = ERRORS[code].status;
  }
}

function format(template: string, args: Array<string | number>): string {
  let i = 0;
  return template.replace(/%s/g, () => String(args[i++] ?? ''));
}
