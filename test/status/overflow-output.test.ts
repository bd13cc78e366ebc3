import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/program.js';
import type { ParentReference } from '../../src/status/api-types.js';
import { bufferIo } from '../cli/writer-helpers.js';
import { CONTROLLER, makeCaPem } from './helpers.js';
import { caMap, gateway, ourClass, policy, route, service } from './builders.js';

// btls status must show what the writer cannot write: the ancestors left out of a full status.ancestors.
describe('btls status with more ancestors than status.ancestors holds', () => {
  const names = Array.from({ length: 18 }, (_, i) => `gw-${String(i).padStart(2, '0')}`);
  const dir = mkdtempSync(join(tmpdir(), 'btls-overflow-'));
  const file = join(dir, 'world.json');
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      ourClass, service('backend'), caMap('ca', makeCaPem()), policy('fits', 'apps', { name: 'other' }), service('other'),
      ...names.map((g) => gateway(g, 'apps')),
      // the last one through a listener: its sectionName is part of the ancestor
      route('HTTPRoute', 'r', 'apps', names.map((name, i) => ({ name, ...(i === 17 ? { sectionName: 'https' } : {}) })), [{ name: 'backend' }]),
      policy('p', 'apps', { name: 'backend' }),
    ],
  }));

  it('-o json lists the overflow beside the status (and nothing for a policy that fits)', async () => {
    const b = bufferIo();
    expect(await run(['status', '--controller-name', CONTROLLER, '-o', 'json', file], b)).toBe(0);
    const doc = JSON.parse(b.out()) as { policies: { name: string; status: { ancestors: unknown[] }; overflow?: ParentReference[] }[] };
    const p = doc.policies.find((x) => x.name === 'p')!;
    expect(p.status.ancestors).toHaveLength(16);
    expect(p.overflow).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'apps', name: 'gw-16' },
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'apps', name: 'gw-17', sectionName: 'https' },
    ]);
    expect(doc.policies.find((x) => x.name === 'fits')).not.toHaveProperty('overflow');
  });

  it('-o text names each ancestor left out with its sectionName', async () => {
    const b = bufferIo();
    expect(await run(['status', '--controller-name', CONTROLLER, '-o', 'text', file], b)).toBe(0);
    const left = b.out().split('\n').filter((l) => l.includes('not written'));
    expect(left.map((l) => l.split('\t').slice(0, 2).join(' '))).toEqual(['apps/p Gateway apps/gw-16', 'apps/p Gateway apps/gw-17#https']);
  });
});
