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
      c.inc(webhook, decision);
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
    expect(c.value('validate', 'allowed')).toBe(3);
    expect(c.value('validate', 'patched')).toBe(0);
    expect(c.value('nothing')).toBe(0);
  });

  it.each([
    [['decision']],
    [['webhook', 'operation', 'decision']],
  ])('prints what prom-client prints for the labels %j', async (labelNames) => {
    const ours = new Registry();
    const theirs = new Registry();
    const c = new DeferredCounter({ name: 'n_total', help: 'h', labelNames, registry: ours });
    const p = new Counter({ name: 'n_total', help: 'h', labelNames, registers: [theirs] });
    const rows = [
      ['validate', 'CREATE', 'allowed'],
      ['validate', 'UPDATE', 'allowed'],
      ['mutate', 'CREATE', 'patched'],
      ['validate', 'CREATE', 'allowed'],
      ['validate', 'CREATE', 'denied'],
    ];
    for (const row of rows) {
      const values = row.slice(3 - labelNames.length);
      c.inc(values[0], values[1], values[2]);
      p.inc(Object.fromEntries(labelNames.map((n, i) => [n, values[i]])));
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('refuses a label set it cannot count without allocating', () => {
    expect(() => new DeferredCounter({ name: 'z_total', help: 'h', labelNames: ['a', 'b', 'c', 'd'], registry: new Registry() })).toThrow(/one to three labels/);
  });
});
