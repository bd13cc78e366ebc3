import { Counter, Histogram, Registry } from 'prom-client';
import { DeferredCounter, FixedLabelHistogram } from '../../src/server/hot-metrics.js';

const buckets = [0.001, 0.01, 0.1, 1];
const samples: Array<['validate' | 'mutate', number]> = [
  ['validate', 0.0005],
  ['validate', 0.001],
  ['validate', 0.02],
  ['mutate', 3],
  ['validate', 0.5],
];

describe('FixedLabelHistogram', () => {
  it('prints exactly what a prom-client Histogram prints for the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const h = new FixedLabelHistogram({ name: 'x_seconds', help: 'h', buckets, label: 'webhook', values: ['validate', 'mutate'], registry: ours });
    const p = new Histogram({ name: 'x_seconds', help: 'h', buckets, labelNames: ['webhook'], registers: [theirs] });
    for (const [w, s] of samples) {
      h.observe(w, s);
      p.observe({ webhook: w }, s);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).toContain('x_seconds_bucket{le="0.01",webhook="validate"} 2');
  });

  it('ignores values that are not finite, and resets', async () => {
    const registry = new Registry();
    const h = new FixedLabelHistogram({ name: 'y_seconds', help: 'h', buckets, label: 'webhook', values: ['validate'], registry });
    h.observe('validate', Number.NaN);
    expect(await registry.metrics()).not.toContain('y_seconds_count');
    h.observe('validate', 0.2);
    expect(await registry.metrics()).toContain('y_seconds_count{webhook="validate"} 1');
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('y_seconds_count');
  });
});

describe('DeferredCounter', () => {
  it('publishes each increment once, across scrapes, as a prom-client Counter would', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const c = new DeferredCounter({ name: 'r_total', help: 'h', labelNames: ['webhook', 'decision'], registry: ours });
    const p = new Counter({ name: 'r_total', help: 'h', labelNames: ['webhook', 'decision'], registers: [theirs] });
    const bump = (webhook: string, decision: string) => {
      c.inc(`${webhook} ${decision}`, () => ({ webhook, decision }));
      p.inc({ webhook, decision });
    };
    bump('validate', 'allowed');
    bump('validate', 'denied');
    bump('validate', 'allowed');
    expect(await ours.metrics()).toBe(await theirs.metrics());
    bump('mutate', 'patched');
    bump('validate', 'allowed');
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).toContain('r_total{webhook="validate",decision="allowed"} 3');
    expect(c.value('validate allowed')).toBe(3);
  });
});
