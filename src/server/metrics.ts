/** Prometheus metrics of one server instance (own registry, so that several servers can live in one process). */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { DeferredCounter, FixedLabelHistogram } from './hot-metrics.js';

export interface WebhookMetrics {
  registry: Registry;
  /** counted on every review: see hot-metrics.ts */
  reviews: DeferredCounter<'webhook' | 'operation' | 'decision'>;
  denials: Counter<'rule'>;
  warnings: Counter<'rule'>;
  latency: FixedLabelHistogram<'validate' | 'mutate'>;
  rejected: Counter<'code'>;
  connectionsDropped: Counter;
  tlsReloads: Counter<'result'>;
  certNotAfter: Gauge;
}

export function createMetrics(registry = new Registry()): WebhookMetrics {
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    reviews: new DeferredCounter({
      name: 'btls_admission_reviews_total',
      help: 'AdmissionReviews answered, by webhook (validate, mutate), operation and decision (allowed, denied, patched, errored).',
      labelNames: ['webhook', 'operation', 'decision'],
      registry,
    }),
    denials: new Counter({
      name: 'btls_admission_denials_total',
      help: 'Deny-severity findings in denied reviews, by rule id.',
      labelNames: ['rule'],
      registers,
    }),
    warnings: new Counter({
      name: 'btls_admission_warnings_total',
      help: 'Warn-severity findings returned as warnings, by rule id.',
      labelNames: ['rule'],
      registers,
    }),
    latency: new FixedLabelHistogram({
      name: 'btls_admission_review_duration_seconds',
      help: 'Time from request to answer for each AdmissionReview on /validate and /mutate, body parsing included.',
      label: 'webhook',
      values: ['validate', 'mutate'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registry,
    }),
    rejected: new Counter({
      name: 'btls_http_rejected_requests_total',
      help: 'Requests answered with an HTTP error before any review (bad JSON, too large, wrong content type, ...), by error code.',
      labelNames: ['code'],
      registers,
    }),
    connectionsDropped: new Counter({
      name: 'btls_http_dropped_connections_total',
      help: 'Connections closed as they were accepted, because --max-connections were open already.',
      registers,
    }),
    tlsReloads: new Counter({
      name: 'btls_tls_reloads_total',
      help: 'Serving certificate reloads, by result (success, failure).',
      labelNames: ['result'],
      registers,
    }),
    certNotAfter: new Gauge({
      name: 'btls_tls_certificate_not_after_seconds',
      help: 'Expiry of the serving certificate in use, as a Unix time.',
      registers,
    }),
  };
}
