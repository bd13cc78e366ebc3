import { createHash } from 'node:crypto';
import { EventsV1Api, V1MicroTime, type EventsV1Event, type KubeConfig, type V1ObjectReference } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { GATEWAY_GROUP, MAX_ANCESTORS, type ParentReference } from '../api-types.js';
import { ancestorKey } from '../ancestors.js';
import { namespaceOf, type BackendTLSPolicy } from '../snapshot.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, errorCode, timeoutOptions } from './http.js';

/**
 * PolicyStatus.ancestors (apis/v1/policy_types.go): "If this slice is full, implementations MUST NOT add
 * further entries. Instead they MUST consider the policy unimplementable and signal that on any related
 * resources such as the ancestor that would be referenced here." status.ancestors cannot say it, and the
 * Gateway's status is its controller's, so the signal is a Warning Event (events.k8s.io/v1, reason
 * PolicyAncestorsFull) on each Gateway left out, and one on the policy naming them all.
 *
 * No storms: an event is sent once per (policy, Gateway left out), and once per set of Gateways on the
 * policy, for as long as that overflow lasts; the names are derived from that content, so a new leader or a
 * restarted writer gets AlreadyExists (409) for what was already said, and says nothing twice.
 */
export const ANCESTORS_FULL_REASON = 'PolicyAncestorsFull';

export interface EventSink {
  create(namespace: string, event: EventsV1Event): Promise<void>;
}

export function apiEventSink(kc: KubeConfig, requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): EventSink {
  const api = kc.makeApiClient(EventsV1Api);
  const options = timeoutOptions(requestTimeoutMs);
  return { create: async (namespace, body) => void (await api.createNamespacedEvent({ namespace, body }, options)) };
}

function eventName(...parts: string[]): string {
  return `btls-ancestors-full.${createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 20)}`;
}

function describeRef(r: ParentReference): string {
  return `${r.kind ?? 'Gateway'} ${r.namespace}/${r.name}${r.sectionName ? ` (section ${r.sectionName})` : ''}`;
}

/** A note is at most 1 kB (events.k8s.io validation). */
function note(text: string): string {
  return text.length <= 1024 ? text : `${text.slice(0, 1020)} ...`;
}

export class OverflowEvents {
  /** per policy key: the event names already sent for its current overflow */
  private readonly sent = new Map<string, Set<string>>();

  constructor(
    private readonly sink: EventSink,
    private readonly controllerName: string,
    private readonly identity: string,
    private readonly log: Logger,
    /** the uid of an object in the informer caches, so that `kubectl describe` lists the event */
    private readonly uidOf: (kind: string, namespace: string, name: string) => string | undefined,
    private readonly onError: () => void,
  ) {}

  /** Call after each reconcile of the policy with its overflow ([] when it fits): sends what was not said yet. */
  async report(policy: BackendTLSPolicy, overflow: readonly ParentReference[]): Promise<void> {
    const ns = namespaceOf(policy);
    const key = `${ns}/${policy.metadata.name}`;
    if (overflow.length === 0) {
      this.sent.delete(key); // it fits again: a later overflow is news
      return;
    }
    const keys = overflow.map((o) => ancestorKey(o)).sort();
    const wanted = new Map<string, { namespace: string; event: EventsV1Event }>();
    const policyRef: V1ObjectReference = {
      apiVersion: `${GATEWAY_GROUP}/v1`,
      kind: 'BackendTLSPolicy',
      namespace: ns,
      name: policy.metadata.name,
      ...(typeof policy.metadata.uid === 'string' ? { uid: policy.metadata.uid } : {}),
    };
    for (const o of overflow) {
      const gwNs = o.namespace ?? ns;
      const name = eventName('ancestor', key, policyRef.uid ?? '', ancestorKey(o));
      const uid = this.uidOf(o.kind ?? 'Gateway', gwNs, o.name);
      wanted.set(name, {
        namespace: gwNs,
        event: this.event(name, gwNs, { apiVersion: `${o.group ?? GATEWAY_GROUP}/v1`, kind: o.kind ?? 'Gateway', namespace: gwNs, name: o.name, ...(uid ? { uid } : {}) }, policyRef,
          `BackendTLSPolicy ${key} is not implementable for ${describeRef(o)}: its status.ancestors is full (${MAX_ANCESTORS} entries), so this Gateway cannot be listed there`),
      });
    }
    const all = eventName('policy', key, policyRef.uid ?? '', ...keys);
    wanted.set(all, {
      namespace: ns,
      event: this.event(all, ns, policyRef, undefined,
        `status.ancestors is full (${MAX_ANCESTORS} entries): the policy is not implementable for ${overflow.length} more ancestor(s): ${overflow.map(describeRef).join(', ')}`),
    });

    const done = new Set([...(this.sent.get(key) ?? [])].filter((n) => wanted.has(n)));
    this.sent.set(key, done);
    for (const [name, { namespace, event }] of wanted) {
      if (done.has(name)) continue;
      try {
        await this.sink.create(namespace, event);
        this.log.warn({ policy: key, regarding: `${event.regarding?.kind} ${namespace}/${event.regarding?.name}`, reason: ANCESTORS_FULL_REASON }, 'event sent: status.ancestors is full');
        done.add(name);
      } catch (err) {
        if (errorCode(err) === 409) {
          done.add(name); // sent before (another replica, or before a restart)
          continue;
        }
        this.onError();
        this.log.warn({ policy: key, event: name, code: errorCode(err), err: String((err as Error)?.message ?? err) }, 'cannot send the ancestors-full event; trying again on the next reconcile');
      }
    }
  }

  /** Forget a deleted policy. */
  forget(policyKey: string): void {
    this.sent.delete(policyKey);
  }

  private event(name: string, namespace: string, regarding: V1ObjectReference, related: V1ObjectReference | undefined, text: string): EventsV1Event {
    return {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name, namespace },
      eventTime: new V1MicroTime(Date.now()),
      type: 'Warning',
      reason: ANCESTORS_FULL_REASON,
      action: 'WriteStatus',
      reportingController: this.controllerName.slice(0, 128),
      reportingInstance: this.identity.slice(0, 128),
      regarding,
      ...(related ? { related } : {}),
      note: note(text),
    };
  }
}
