import { Counter, Gauge, Registry } from 'prom-client';

/**
 * The writer's metrics, in a registry of its own: two controllers in one process (tests), or a controller
 * next to a webhook, must not collide in prom-client's global one.
 */
export interface StatusMetrics {
  registry: Registry;
  reconciles: Counter;
  writes: Counter;
  conflicts: Counter;
  errors: Counter<'stage'>;
  overflow: Counter;
  queueDepth: Gauge;
  isLeader: Gauge;
}

export function createMetrics(registry = new Registry()): StatusMetrics {
  const r = [registry];
  return {
    registry,
    reconciles: new Counter({ name: 'btls_status_reconciles_total', help: 'policies reconciled (status computed)', registers: r }),
    writes: new Counter({ name: 'btls_status_writes_total', help: 'status subresource PUTs that succeeded', registers: r }),
    conflicts: new Counter({ name: 'btls_status_write_conflicts_total', help: 'status PUTs answered 409 Conflict (re-read and retried)', registers: r }),
    errors: new Counter({ name: 'btls_status_errors_total', help: 'errors by stage (informer, reconcile, write, lease, event)', labelNames: ['stage'], registers: r }),
    overflow: new Counter({ name: 'btls_status_ancestor_overflow_total', help: 'ancestors not written because status.ancestors was full (16)', registers: r }),
    queueDepth: new Gauge({ name: 'btls_status_queue_depth', help: 'keys waiting in the work queue', registers: r }),
    isLeader: new Gauge({ name: 'btls_status_is_leader', help: '1 while this replica holds the Lease and writes', registers: r }),
  };
}

/** A counter's current value (for logs and tests that count writes). */
export async function valueOf(c: Counter | Gauge): Promise<number> {
  const m = await c.get();
  return m.values.reduce((s, v) => s + v.value, 0);
}
