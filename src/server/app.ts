/**
 * The admission webhook as a Fastify app over HTTPS. `buildServer` only builds: `main.ts` listens.
 *
 * Limits on hostile input, each answered with a clear 4xx and counted in btls_http_rejected_requests_total:
 * body size (bodyLimit, 413), JSON nesting depth (400: on the raw text before parsing for large bodies, on the
 * parsed value otherwise), the number of JSON values in a large body (413, before parsing), large bodies in
 * flight at once (429, before reading them), prototype keys (400), content type (415), AdmissionReview shape (400, see
 * src/admission/parse.ts), time to receive a request (requestTimeout, 408) and to finish a TLS handshake
 * (handshakeTimeout), plain HTTP on the TLS port (400, then close). A list longer than maxListItems is answered
 * with an errored review instead (the uid is known). The rules themselves are bounded by the engine;
 * evaluation is synchronous and cannot be interrupted here.
 */
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type Logger } from 'pino';
import { DEFAULT_MAX_LIST_ITEMS, findBoundsViolation, type BoundsViolation } from '../admission/limits.js';
import { parseAdmissionReview, type ReviewFacts } from '../admission/parse.js';
import { errored } from '../admission/response.js';
import { mutateRequest, objectName, validateRequest, type ReviewResult } from '../admission/review.js';
import { ADMISSION_API_VERSION, ADMISSION_KIND, type AdmissionRequest, type AdmissionReview } from '../admission/types.js';
import type { Engine, Finding } from '../rules/types.js';
import { AnswerBurst } from './answer-burst.js';
import { DEFAULT_MAX_CONNECTIONS } from './defaults.js';
import { ERRORS, WebhookError, type ErrorBody, type ErrorCode } from './errors.js';
import { scanJsonText } from './json.js';
import { createMetrics, type WebhookMetrics } from './metrics.js';
import { CertificateWatcher, TLS_DEFAULTS, type TlsFiles, type WatcherOptions } from './tls.js';

export const SERVER_DEFAULTS = {
  /** the apiserver caps requests at 3 MiB and an UPDATE review carries object and oldObject: room for both */
  bodyLimit: 6 * 1024 * 1024,
  /** a BackendTLSPolicy review nests about 12 levels (managedFields included) */
  maxJsonDepth: 64,
  /** a review holds hundreds of JSON values; what JSON.parse allocates grows with their number (json.ts) */
  maxJsonValues: 100_000,
  /**
   * bodies over 64 KiB being received or evaluated at once, in bytes (Content-Length, or bodyLimit when
   * chunked): each costs up to about 3x its size in heap, and the Deployment gives V8 160 MiB. Small bodies,
   * which is every review of a real BackendTLSPolicy, never wait for this.
   */
  largeBodyBytesInFlight: 24 * 1024 * 1024,
  /** longest list in an object the rules are asked to evaluate (the CRD allows 16) */
  maxListItems: DEFAULT_MAX_LIST_ITEMS,
  /** the whole request must arrive within this time (slow-body clients get a 408) */
  requestTimeoutMs: 10_000,
  /** TLS handshake must finish within this time (Node's default is 120 s) */
  handshakeTimeoutMs: 5_000,
  /**
   * longer than the idle timeout of the apiserver's webhook client (client-go transports: 90 s), so that the
   * client, not the server, closes an idle connection: no request races a server-side close
   */
  keepAliveTimeoutMs: 100_000,
  /** open connections at once (see defaults.ts) */
  maxConnections: DEFAULT_MAX_CONNECTIONS,
} as const;

export interface ServerOptions {
  /** the compiled rule set; the server is ready only once it is given */
  engine: Engine;
  /** serving certificate and key files, reloaded when they change */
  tls: TlsFiles & WatcherOptions;
  /** a pino logger; false or absent: no logs */
  logger?: Logger | false;
  bodyLimit?: number;
  maxJsonDepth?: number;
  maxJsonValues?: number;
  maxListItems?: number;
  largeBodyBytesInFlight?: number;
  requestTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  maxConnections?: number;
  /** defaults to a fresh registry with process metrics */
  metrics?: WebhookMetrics;
}

export interface Readiness {
  ready: boolean;
  reasons: string[];
}

/** What the server exposes beyond Fastify's API (for main.ts and tests). */
export interface WebhookState {
  engine: Engine;
  certs: CertificateWatcher;
  metrics: WebhookMetrics;
  /** the logger given in the options (a silent one if none) */
  log: Logger;
  /** readyz answers 503 from now on (SIGTERM: let endpoints drop this pod before closing) */
  drain(): void;
  readiness(): Readiness;
}

export type WebhookServer = FastifyInstance<HttpsServer> & { btls: WebhookState };

type Webhook = 'validate' | 'mutate';

declare module 'fastify' {
  interface FastifyRequest {
    /** performance.now() when the admission route received the request (the latency histogram's start) */
    receivedAt: number;
  }
}

/** a body over the limit but under this many limits is read and dropped after the 413 (lingerOverBody) */
const LINGER_BODY_LIMITS = 4;

/** dropped connections are counted each, and logged at most this often */
const DROP_LOG_INTERVAL_MS = 10_000;

/** bodies over this are scanned before parsing, and share the largeBodyBytesInFlight budget */
const LARGE_BODY = 64 * 1024;

const PROTOTYPE_KEY_MESSAGE = 'refused, it has a "__proto__" key or a "constructor" with a "prototype" (prototype poisoning)';

const PLAIN_HTTP_ANSWER =
  'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n' +
  `${ERRORS.BTLS_ERR_PLAIN_HTTP.message}\n`;

export function buildServer(opts: ServerOptions): WebhookServer {
  const limits = {
    bodyLimit: opts.bodyLimit ?? SERVER_DEFAULTS.bodyLimit,
    maxJsonDepth: opts.maxJsonDepth ?? SERVER_DEFAULTS.maxJsonDepth,
    maxJsonValues: opts.maxJsonValues ?? SERVER_DEFAULTS.maxJsonValues,
    largeBodyBytesInFlight: opts.largeBodyBytesInFlight ?? SERVER_DEFAULTS.largeBodyBytesInFlight,
    maxListItems: opts.maxListItems ?? SERVER_DEFAULTS.maxListItems,
  };
  const requestTimeout = opts.requestTimeoutMs ?? SERVER_DEFAULTS.requestTimeoutMs;
  const metrics = opts.metrics ?? createMetrics();
  // throws with the file names when the pair does not load: the server cannot start without it
  const certs = new CertificateWatcher(opts.tls, opts.tls);
  const engine = opts.engine;
  const log: Logger = opts.logger || pino({ level: 'silent' });
  let draining = false;
  const answers = new AnswerBurst({ onError: (err) => log.error({ err }, 'writing an admission answer failed') });

  const app = Fastify({
    https: {
      ...TLS_DEFAULTS,
      cert: certs.current.cert,
      key: certs.current.key,
      handshakeTimeout: opts.handshakeTimeoutMs ?? SERVER_DEFAULTS.handshakeTimeoutMs,
      // Node enforces requestTimeout only when given at construction (Fastify sets it afterwards), and checks
      // it every connectionsCheckingInterval (default 30 s: a slow body could last 40 s)
      requestTimeout,
      connectionsCheckingInterval: Math.min(1000, requestTimeout),
    } as object,
    // Fastify gets no logger: it would make a child logger per request (measured: about a sixth of the
    // throughput); the webhook logs one line per review itself, through `log`
    logger: false,
    bodyLimit: limits.bodyLimit,
    requestTimeout,
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? SERVER_DEFAULTS.keepAliveTimeoutMs,
    // requests that arrive on open connections while closing are still answered (the apiserver reuses
    // connections; a 503 there would fail the user's request under failurePolicy Fail)
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    clientErrorHandler: (err: NodeJS.ErrnoException, socket: Socket) => answerClientError(err, socket),
  }) as unknown as WebhookServer;

  /**
   * Requests Node refuses before routing (its requestTimeout, unparsable HTTP, headers over the limit): answered
   * in the catalogue's shape like every other refusal, and counted and logged, so that slow or broken clients
   * show in the metrics. Network errors on the socket (a reset, a broken pipe) are no request to answer.
   */
  function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
    const code = err.code ?? '';
    if (code !== 'ERR_HTTP_REQUEST_TIMEOUT' && !code.startsWith('HPE_')) {
      log.debug({ code, remoteAddress: socket.remoteAddress }, 'connection error');
      if (!socket.destroyed) socket.destroy();
      return;
    }
    const e =
      code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new WebhookError('BTLS_ERR_TIMEOUT')
        : code === 'HPE_HEADER_OVERFLOW'
          ? new WebhookError('BTLS_ERR_HEADERS_TOO_LARGE', maxHeaderSize)
          : new WebhookError('BTLS_ERR_BAD_REQUEST', clip(`${err.message} (${code})`, 200));
    metrics.rejected.inc({ code: e.code });
    log.warn({ code: e.code, reason: e.message, remoteAddress: socket.remoteAddress }, 'request rejected');
    if (socket.writable && !socket.destroyed) {
      const body = JSON.stringify(errorBody(e));
      socket.write(
        `HTTP/1.1 ${e.statusCode} ${STATUS_CODES[e.statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  }

  const state: WebhookState = {
    engine,
    certs,
    metrics,
    log,
    drain: () => {
      draining = true;
    },
    readiness: () => {
      const reasons: string[] = [];
      if (!engine) reasons.push('rules not compiled');
      if (!certs.current) reasons.push('no serving certificate');
      if (draining) reasons.push('shutting down');
      return { ready: reasons.length === 0, reasons };
    },
  };
  app.decorate('btls', state);

  metrics.certNotAfter.set(certs.current.notAfter.getTime() / 1000);
  certs.on('reload', (pair) => {
    app.server.setSecureContext({ ...TLS_DEFAULTS, cert: pair.cert, key: pair.key });
    metrics.tlsReloads.inc({ result: 'success' });
    metrics.certNotAfter.set(pair.notAfter.getTime() / 1000);
    log.info({ certFile: opts.tls.certFile, keyFile: opts.tls.keyFile, notAfter: pair.notAfter.toISOString() }, 'reloaded the serving certificate');
  });
  certs.on('reloadFailed', (err) => {
    metrics.tlsReloads.inc({ result: 'failure' });
    log.warn({ reason: err.message }, 'serving certificate not reloaded; keeping the one in use');
  });
  certs.start();
  app.addHook('onClose', (_instance, done) => {
    certs.stop();
    done();
  });
  // answers still held were made without `connection: close`: written before the close, their connections are
  // idle when it closes the idle ones, rather than turning idle just after and holding the shutdown to its timeout
  app.addHook('preClose', (done) => {
    answers.flush();
    done();
  });

  app.server.maxConnections = opts.maxConnections ?? SERVER_DEFAULTS.maxConnections;
  // a flood of connections would log a line each: counted each, logged at most every DROP_LOG_INTERVAL_MS
  let dropped = 0;
  let droppedLoggedAt = -Infinity;
  app.server.on('drop', () => {
    metrics.connectionsDropped.inc();
    dropped++;
    const now = performance.now();
    if (now - droppedLoggedAt < DROP_LOG_INTERVAL_MS) return;
    log.warn({ dropped, maxConnections: app.server.maxConnections }, 'connections closed at accept: too many open');
    dropped = 0;
    droppedLoggedAt = now;
  });

  // Node closes the connection on a non-TLS first record; answer in plain HTTP first, as Go's servers do,
  // so that `curl http://...` says what is wrong instead of "empty reply". `_parent` is the raw TCP socket
  // under the TLSSocket (not public API: without it the connection is only closed, which is Node's default).
  app.server.on('tlsClientError', (err: NodeJS.ErrnoException, tlsSocket) => {
    if (err.code === 'ERR_SSL_HTTP_REQUEST') {
      const raw = (tlsSocket as unknown as { _parent?: Socket })._parent;
      if (raw && raw.writable) raw.end(PLAIN_HTTP_ANSWER);
      metrics.rejected.inc({ code: 'BTLS_ERR_PLAIN_HTTP' });
    }
    log.debug({ code: err.code, remoteAddress: tlsSocket.remoteAddress }, 'TLS handshake failed');
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const e = toWebhookError(err, req, limits.bodyLimit);
    metrics.rejected.inc({ code: e.code });
    if (e.code === 'BTLS_ERR_BUSY') void reply.header('retry-after', '1');
    if (e.code === 'BTLS_ERR_BODY_TOO_LARGE') lingerOverBody(req, reply, limits.bodyLimit * LINGER_BODY_LIMITS);
    if (draining) void reply.header('connection', 'close');
    if (e.statusCode >= 500) log.error({ err, method: req.method, path: pathOf(req) }, 'request failed');
    else log.warn({ code: e.code, reason: e.message, method: req.method, path: pathOf(req) }, 'request rejected');
    return reply.code(e.statusCode).send(errorBody(e));
  });
  app.setNotFoundHandler((req, reply) => {
    const e = new WebhookError('BTLS_ERR_NOT_FOUND', req.method, clip(pathOf(req), 100));
    metrics.rejected.inc({ code: e.code });
    return reply.code(404).send(errorBody(e));
  });

  // outside the admission routes bodies are never read: an unknown path is a 404 whatever its body
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const r = state.readiness();
    if (r.ready) return { status: 'ready' };
    return reply.code(503).send(errorBody(new WebhookError('BTLS_ERR_NOT_READY', r.reasons.join(', '))));
  });
  app.get('/metrics', async (_req, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });

  // the admission routes, with their own body parser (encapsulated: only JSON, bounded in depth, list size and keys)
  const bounds = { maxDepth: limits.maxJsonDepth, maxListItems: limits.maxListItems };
  // list violations are answered with a review (the uid is known), so the parser hands them to the handler
  const oversized = new WeakMap<FastifyRequest, BoundsViolation>();
  app.register(async (scope) => {
    // Fastify's reply.elapsedTime reads 0 unless a logger or an onResponse hook is set, so the admission
    // routes keep their own start time (decorated up front: every Request keeps one shape)
    scope.decorateRequest('receivedAt', 0);
    let largeBytes = 0;
    scope.addHook('onRequest', (req, reply, done) => {
      req.receivedAt = performance.now();
      const declared = req.headers['content-length'];
      const length = declared === undefined ? limits.bodyLimit : Number(declared);
      // small bodies pass; over the body limit Fastify answers 413 without reading (written so that a length
      // that is not a number passes too: Node's parser refuses such a header before this runs)
      if (!(length > LARGE_BODY) || length > limits.bodyLimit) return done();
      if (largeBytes + length > limits.largeBodyBytesInFlight) {
        // read and drop the body first (no memory kept): a client still sending it would see its connection
        // reset instead of the 429; requestTimeout bounds how long this can take
        const busy = new WebhookError('BTLS_ERR_BUSY', largeBytes, limits.largeBodyBytesInFlight);
        let answered = false;
        const refuse = (): void => {
          if (answered) return;
          answered = true;
          done(busy);
        };
        req.raw.on('end', refuse).on('close', refuse).on('error', refuse).resume();
        return;
      }
      largeBytes += length;
      reply.raw.once('close', () => (largeBytes -= length));
      done();
    });
    scope.removeAllContentTypeParsers();
    const defaultParse = scope.getDefaultJsonParser('error', 'error');
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: limits.bodyLimit }, (req, body, done) => {
      const text = body as string;
      // large bodies are scanned before parsing (JSON.parse spends ~1 s on a million levels, and 131 MiB of
      // heap on 6 MiB of `{}`); small ones cost at most a few ms and MiB to parse whatever their shape, and
      // walking the parsed value is cheaper than a scan
      if (text.length > LARGE_BODY) {
        // parsing and evaluating it can take milliseconds: answers already made do not wait for that
        answers.flush();
        const v = scanJsonText(text, { maxDepth: limits.maxJsonDepth, maxValues: limits.maxJsonValues });
        if (v === 'depth') return done(new WebhookError('BTLS_ERR_JSON_TOO_DEEP', limits.maxJsonDepth), undefined);
        if (v === 'values') return done(new WebhookError('BTLS_ERR_JSON_TOO_MANY_VALUES', limits.maxJsonValues), undefined);
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        // Fastify's parser words the error (empty body, syntax) as it always has
        return void defaultParse(req, text, (err) => done(err ?? new WebhookError('BTLS_ERR_INVALID_JSON', 'unparsable body'), undefined));
      }
      // then one walk for depth, list sizes and prototype keys (src/admission/limits.ts)
      const v = findBoundsViolation(value, bounds);
      if (v?.kind === 'depth') return done(new WebhookError('BTLS_ERR_JSON_TOO_DEEP', limits.maxJsonDepth), undefined);
      if (v?.kind === 'prototype-key') return done(new WebhookError('BTLS_ERR_INVALID_JSON', PROTOTYPE_KEY_MESSAGE), undefined);
      if (v) oversized.set(req, v);
      done(null, value);
    });
    scope.post('/validate', (req, reply) => answer('validate', req, reply));
    scope.post('/mutate', (req, reply) => answer('mutate', req, reply));
  });

  function answer(webhook: Webhook, req: FastifyRequest, reply: FastifyReply): void {
    const parsed = parseAdmissionReview(req.body);
    if (parsed.kind === 'bad-request') throw new WebhookError('BTLS_ERR_BAD_REVIEW', parsed.message);
    let result: ReviewResult;
    let request: AdmissionRequest | undefined;
    let facts: ReviewFacts | undefined;
    if (parsed.kind === 'errored') {
      facts = parsed.facts;
      result = { response: { uid: parsed.uid, ...errored(400, parsed.message) }, verdict: 'errored', findings: [], ops: [] };
    } else {
      request = parsed.request;
      const tooLong = oversized.get(req) as Extract<BoundsViolation, { kind: 'list' }> | undefined;
      if (tooLong) {
        const message = `${tooLong.path}: Too many: ${tooLong.length}: this webhook does not evaluate lists of more than ${limits.maxListItems} items`;
        result = { response: { uid: request.uid, ...errored(400, message) }, verdict: 'errored', findings: [], ops: [] };
      } else {
        result = webhook === 'validate' ? validateRequest(request, engine) : mutateRequest(request, engine);
      }
    }
    record(webhook, request, result, facts);
    const review: AdmissionReview = { apiVersion: ADMISSION_API_VERSION, kind: ADMISSION_KIND, response: result.response };
    // shutting down: the client (the apiserver keeps connections alive) reconnects elsewhere, and the
    // connection does not stay open, holding up the close, once this review is answered. Fastify does this
    // only for requests that arrive after close began, not for those already in flight.
    if (draining) void reply.header('connection', 'close');
    // observed once written rather than in an onResponse hook, which would add two listeners to every response
    answers.send(reply, review, () => metrics.latency.observe(webhook, (performance.now() - req.receivedAt) / 1000));
  }

  /** `facts`: what is known of a request too malformed to be an AdmissionRequest */
  function record(webhook: Webhook, request: AdmissionRequest | undefined, result: ReviewResult, facts?: ReviewFacts): void {
    const operation = request?.operation ?? facts?.operation ?? 'unknown';
    metrics.reviews.inc(webhook, operation, result.verdict);
    for (const f of result.findings) {
      if (f.severity === 'warn') metrics.warnings.inc({ rule: f.rule });
      else if (result.verdict === 'denied') metrics.denials.inc({ rule: f.rule });
    }
    const level = logLevelOf(result);
    // building the entry costs as much as a rule evaluation: only for lines that will be written
    if (!log.isLevelEnabled(level)) return;
    const entry: Record<string, unknown> = {
      webhook,
      uid: result.response.uid,
      operation,
      decision: result.verdict,
    };
    if (request) {
      entry.kind = clip(`${request.kind.group}/${request.kind.version}/${request.kind.kind}`, 200);
      entry.namespace = clip(request.namespace ?? '', 100);
      entry.name = clip(objectName(request), 253);
      if (request.dryRun) entry.dryRun = true;
    } else if (facts) {
      if (facts.namespace !== undefined) entry.namespace = clip(facts.namespace, 100);
      if (facts.name !== undefined) entry.name = clip(facts.name, 253);
    }
    const denied = ruleIds(result.findings, 'deny');
    const warned = ruleIds(result.findings, 'warn');
    if (denied.length > 0) entry.denied = denied;
    if (warned.length > 0) entry.warned = warned;
    if (result.ops.length > 0) {
      entry.patchOps = result.ops.length;
      entry.mutated = [...new Set(result.ops.map((op) => op.rule ?? 'unknown'))];
    }
    if (result.skipped) entry.skipped = result.skipped;
    if (result.verdict === 'errored') entry.reason = clip(result.response.status?.message ?? '', 500);
    log[level](entry, result.skipped === 'kind' ? 'admitted a kind this webhook does not check' : 'admission review');
  }

  return app;
}

/**
 * Every review that denied, warned, patched, errored or skipped a kind is logged at info (errors at warn). A
 * clean admission, the bulk of the traffic, is counted in the metrics and logged at debug: one line per
 * admitted object cost a fifth of the webhook's throughput, and the apiserver's audit log already records
 * each request. `--log-level debug` logs them all.
 */
function logLevelOf(result: ReviewResult): 'debug' | 'info' | 'warn' {
  if (result.verdict === 'errored') return 'warn';
  const clean = result.verdict === 'allowed' && result.findings.length === 0 && result.skipped !== 'kind';
  return clean ? 'debug' : 'info';
}

function ruleIds(findings: readonly Finding[], severity: Finding['severity']): string[] {
  const ids: string[] = [];
  for (const f of findings) if (f.severity === severity && !ids.includes(f.rule)) ids.push(f.rule);
  return ids;
}

/**
 * Fastify answers a body over the limit before reading it and closes the connection: a client that sends its
 * whole body before reading (Python's http.client) then fails on EPIPE and never sees the 413. Where the body's
 * end is known (Content-Length) and not far off, it is read and dropped instead, and the connection stays
 * open; a chunked body, or one larger than `maxBytes`, is cut off as before. requestTimeout bounds the wait.
 */
function lingerOverBody(req: FastifyRequest, reply: FastifyReply, maxBytes: number): void {
  const declared = req.headers['content-length'];
  if (declared === undefined || !(Number(declared) <= maxBytes) || req.raw.complete) return;
  reply.removeHeader('connection');
  req.raw.resume();
}

/** Fastify's own errors, mapped onto the catalogue in errors.ts. */
function toWebhookError(err: FastifyError, req: FastifyRequest, bodyLimit: number): WebhookError {
  if (err instanceof WebhookError) return err;
  const code: ErrorCode | undefined = (
    {
      FST_ERR_CTP_BODY_TOO_LARGE: 'BTLS_ERR_BODY_TOO_LARGE',
      FST_ERR_CTP_INVALID_MEDIA_TYPE: 'BTLS_ERR_UNSUPPORTED_MEDIA_TYPE',
      FST_ERR_CTP_EMPTY_JSON_BODY: 'BTLS_ERR_INVALID_JSON',
      FST_ERR_CTP_INVALID_JSON_BODY: 'BTLS_ERR_INVALID_JSON',
    } as Record<string, ErrorCode>
  )[err.code];
  switch (code) {
    case 'BTLS_ERR_BODY_TOO_LARGE':
      return new WebhookError(code, bodyLimit);
    case 'BTLS_ERR_UNSUPPORTED_MEDIA_TYPE':
      return new WebhookError(code, clip(JSON.stringify(req.headers['content-type'] ?? 'nothing'), 100));
    case 'BTLS_ERR_INVALID_JSON':
      return new WebhookError(code, clip(err.message, 200));
  }
  if (err instanceof SyntaxError || err.message.includes('prototype property')) {
    return new WebhookError('BTLS_ERR_INVALID_JSON', clip(err.message, 200));
  }
  const status = err.statusCode ?? 500;
  if (status === 408) return new WebhookError('BTLS_ERR_TIMEOUT');
  if (status >= 400 && status < 500) {
    const e = new WebhookError('BTLS_ERR_BAD_REQUEST', clip(err.message, 200));
    (e as { statusCode: number }).statusCode = status;
    return e;
  }
  return new WebhookError('BTLS_ERR_INTERNAL');
}

function errorBody(e: WebhookError): ErrorBody {
  return { statusCode: e.statusCode, code: e.code, error: STATUS_CODES[e.statusCode] ?? 'Error', message: e.message };
}

function pathOf(req: FastifyRequest): string {
  const q = req.url.indexOf('?');
  return q < 0 ? req.url : req.url.slice(0, q);
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n)}...`;
}
