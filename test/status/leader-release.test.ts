import type { KubeConfig, V1Lease } from '@kubernetes/client-node';
import pino from 'pino';
import { defaultTiming } from '../../src/status/controller/config.js';
import { LeaderElector } from '../../src/status/controller/leader.js';

/** A Lease store with the apiserver's optimistic concurrency: a write with a stale resourceVersion is a 409. */
function fakeLeases(readDelay: () => number) {
  let stored: V1Lease | undefined;
  let version = 0;
  const conflict = () => Object.assign(new Error('Conflict'), { code: 409 });
  const api = {
    readNamespacedLease: async () => {
      const snapshot = structuredClone(stored);
      await new Promise((r) => setTimeout(r, readDelay()));
      if (!snapshot) throw Object.assign(new Error('NotFound'), { code: 404 });
      return snapshot;
    },
    createNamespacedLease: async ({ body }: { body: V1Lease }) => {
      stored = { ...body, metadata: { ...body.metadata, resourceVersion: String(++version) } };
      return structuredClone(stored);
    },
    replaceNamespacedLease: async ({ body }: { body: V1Lease }) => {
      if (body.metadata?.resourceVersion !== stored?.metadata?.resourceVersion) throw conflict();
      stored = { ...body, metadata: { ...body.metadata, resourceVersion: String(++version) } };
      return structuredClone(stored);
    },
  };
  return { kc: { makeApiClient: () => api } as unknown as KubeConfig, holder: () => stored?.spec?.holderIdentity };
}

it('releases the Lease even when a renewal is in flight (no 409 left to expire on its own)', async () => {
  // reads answer slowly, with the Lease as it was when asked: release() reads while a renewal is still to write
  let delay = 0;
  const { kc, holder } = fakeLeases(() => delay);
  const warnings: string[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line).msg) });
  let leader = false;
  const elector = new LeaderElector(kc, { name: 'l', namespace: 'ns', identity: 'me' }, { ...defaultTiming, leaseRetryMs: 20 }, log, (v) => (leader = v), () => undefined);
  elector.start();
  for (let i = 0; i < 50 && !leader; i++) await new Promise((r) => setTimeout(r, 10));
  expect(leader).toBe(true);
  delay = 100;
  await new Promise((r) => setTimeout(r, 40)); // the next renewal is now reading
  await elector.release();
  expect(holder()).toBe('');
  expect(warnings).toEqual([]);
});
