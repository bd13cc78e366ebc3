import type { EventsV1Event } from '@kubernetes/client-node';
import { pino } from 'pino';
import { ANCESTORS_FULL_REASON, OverflowEvents, type EventSink } from '../../src/status/controller/events.js';
import type { KubeObject } from '../../src/rules/types.js';
import type { BackendTLSPolicy } from '../../src/status/snapshot.js';
import { CONTROLLER, makeCaPem, resolveObjects } from './helpers.js';
import { caMap, gateway, ourClass, policy, route, service } from './builders.js';

// PolicyStatus.ancestors: when full, the policy is unimplementable and that MUST be signalled on related
// resources. The writer sends a Warning Event on each Gateway left out and one on the policy, once per overflow.
describe('events for a full status.ancestors', () => {
  const gws = (n: number) => Array.from({ length: n }, (_, i) => `gw-${String(i).padStart(2, '0')}`);
  const world = (n: number): KubeObject[] => [
    ourClass, service('backend'), caMap('ca', makeCaPem()),
    ...gws(n).map((g) => gateway(g, g === 'gw-17' ? 'edge' : 'apps')),
    route('HTTPRoute', 'r', 'apps', gws(n).map((name) => ({ name, ...(name === 'gw-17' ? { namespace: 'edge', sectionName: 'https' } : {}) })), [{ name: 'backend' }]),
    policy('p', 'apps', { name: 'backend' }),
  ];
  const pol = (objects: KubeObject[]) => ({ ...objects.find((o) => o.kind === 'BackendTLSPolicy')!, metadata: { name: 'p', namespace: 'apps', uid: 'u-1' } }) as unknown as BackendTLSPolicy;

  function recorder(fail?: (e: EventsV1Event) => number | undefined) {
    const sent: { namespace: string; event: EventsV1Event }[] = [];
    const sink: EventSink = {
      create: async (namespace, event) => {
        const code = fail?.(event);
        if (code) throw Object.assign(new Error(`HTTP ${code}`), { code });
        sent.push({ namespace, event });
      },
    };
    let errors = 0;
    const events = new OverflowEvents(sink, CONTROLLER, 'replica-a', pino({ level: 'silent' }), (kind, ns, name) => `uid-${kind}-${ns}-${name}`, () => errors++);
    return { sent, events, errors: () => errors };
  }
  const summary = (sent: { namespace: string; event: EventsV1Event }[]) =>
    sent.map(({ namespace, event }) => `${namespace} ${event.type} ${event.reason} ${event.regarding?.kind} ${event.regarding?.namespace}/${event.regarding?.name}`).sort();

  it('sends one Warning PolicyAncestorsFull on each Gateway left out (in its namespace, sectionName named) and one on the policy', async () => {
    const objects = world(18);
    const [r] = resolveObjects(objects);
    expect(r!.overflow.map((o) => o.name)).toEqual(['gw-16', 'gw-17']);
    const { sent, events } = recorder();
    await events.report(pol(objects), r!.overflow);
    expect(summary(sent)).toEqual([
      `apps Warning ${ANCESTORS_FULL_REASON} BackendTLSPolicy apps/p`,
      `apps Warning ${ANCESTORS_FULL_REASON} Gateway apps/gw-16`,
      `edge Warning ${ANCESTORS_FULL_REASON} Gateway edge/gw-17`,
    ]);
    const gwEvent = sent.find((s) => s.event.regarding?.name === 'gw-17')!.event;
    expect(gwEvent.regarding?.uid).toBe('uid-Gateway-edge-gw-17'); // so that kubectl describe gateway lists it
    expect(gwEvent.related).toMatchObject({ kind: 'BackendTLSPolicy', namespace: 'apps', name: 'p', uid: 'u-1' });
    expect(gwEvent.note).toContain('(section https)');
    expect(gwEvent.reportingController).toBe(CONTROLLER);
    const policyEvent = sent.find((s) => s.event.regarding?.kind === 'BackendTLSPolicy')!.event;
    expect(policyEvent.note).toContain('Gateway apps/gw-16, Gateway edge/gw-17 (section https)');
  });

  it('does not repeat itself on later reconciles of the same overflow (no event storm)', async () => {
    const objects = world(18);
    const [r] = resolveObjects(objects);
    const { sent, events } = recorder();
    for (let i = 0; i < 5; i++) await events.report(pol(objects), r!.overflow);
    expect(sent).toHaveLength(3);
  });

  it('says only what is new when the overflow grows, and again after it fitted in between', async () => {
    const { sent, events } = recorder();
    const [a] = resolveObjects(world(17));
    await events.report(pol(world(17)), a!.overflow);
    expect(summary(sent)).toHaveLength(2);
    const [b] = resolveObjects(world(18));
    await events.report(pol(world(18)), b!.overflow);
    // gw-17 is new, and the policy's event names a new set; gw-16 was said already
    expect(summary(sent.slice(2))).toEqual([`apps Warning ${ANCESTORS_FULL_REASON} BackendTLSPolicy apps/p`, `edge Warning ${ANCESTORS_FULL_REASON} Gateway edge/gw-17`]);
    await events.report(pol(world(16)), []);
    await events.report(pol(world(17)), a!.overflow);
    expect(sent).toHaveLength(6);
  });

  it('takes AlreadyExists as said before (another replica, a restart) and retries other failures on the next reconcile', async () => {
    const objects = world(17);
    const [r] = resolveObjects(objects);
    let failing: number | undefined = 409;
    const { sent, events, errors } = recorder(() => failing);
    await events.report(pol(objects), r!.overflow);
    expect([sent.length, errors()]).toEqual([0, 0]);
    failing = undefined;
    await events.report(pol(objects), r!.overflow);
    expect(sent).toHaveLength(0); // 409 counted as sent

    const other = recorder((e) => (e.regarding?.kind === 'Gateway' && failing === undefined ? 500 : undefined));
    await other.events.report(pol(objects), r!.overflow);
    expect([other.sent.length, other.errors()]).toEqual([1, 1]);
    failing = 0; // the API answers again
    await other.events.report(pol(objects), r!.overflow);
    expect(summary(other.sent)).toEqual([`apps Warning ${ANCESTORS_FULL_REASON} BackendTLSPolicy apps/p`, `apps Warning ${ANCESTORS_FULL_REASON} Gateway apps/gw-16`]);
  });
});
