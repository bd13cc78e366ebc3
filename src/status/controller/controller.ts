import { hostname } from 'node:os';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import type { CaKind } from '../ca-bundle.js';
import { policyKey } from '../conflicts.js';
import { buildDependencyIndex, type ChangedObject, type DependencyIndex, type DependencyKind } from '../dependencies.js';
import { createResolver, type AncestorKind, type Resolver } from '../resolve.js';
import type { BackendTLSPolicy } from '../snapshot.js';
import { defaultTiming, type Timing } from './config.js';
import { writeStatus } from './write.js';
import { apiEventSink, OverflowEvents, type EventSink } from './events.js';
import type { ParentReference } from '../api-types.js';
import { Api, errorCode } from './http.js';
import { KindInformer, type EventType } from './informers.js';
import { listNamespace, watchedKinds } from './kinds.js';
import { LeaderElector, type LeaseOptions } from './leader.js';
import { createMetrics, type StatusMetrics } from './metrics.js';
import { WorkQueue } from './queue.js';
import { snapshotView } from './snapshot-view.js';

/**
 * The live status writer: plumbing around the pure resolver. Events enqueue policy keys (never events);
 * a worker re-reads the caches, resolves, and PUTs the status subresource only when it differs from the
 * stored one, so a steady cluster sees zero writes, across resyncs too.
 */
export interface ControllerOptions {
  kubeConfig: KubeConfig;
  controllerName: string;
  /**
   * manage the policies of this namespace only (and read the Services, ConfigMaps, Secrets and ReferenceGrants
   * of it); Routes, Gateways and GatewayClasses are always read cluster-wide, since any of them can reach it
   */
  namespace?: string;
  ancestorKind?: AncestorKind;
  supportedWellKnown?: string[];
  caKinds?: CaKind[];
  /** Lease-based leader election; without it this replica always writes */
  leaderElection?: Partial<LeaseOptions> & { name: string; namespace: string };
  workers?: number;
  timing?: Partial<Timing>;
  logger?: Logger;
  metrics?: StatusMetrics;
  /** where the "status.ancestors is full" Events go (default: events.k8s.io/v1 of the cluster) */
  events?: EventSink;
}

export interface RunningController {
  /** stop workers and informers; release the Lease if held */
  stop(): Promise<void>;
  metrics: StatusMetrics;
  /** resolves once every informer has a complete cache (absent CRDs count as empty) */
  synced: Promise<void>;
  isLeader(): boolean;
  identity: string;
}

/** Kinds whose change can move ancestors or precedence: the resolver's indexes are rebuilt after them. */
const STRUCTURAL = new Set(['BackendTLSPolicy', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'Gateway', 'GatewayClass', 'ReferenceGrant']);

export function startController(options: ControllerOptions): RunningController {
  const timing: Timing = { ...defaultTiming, ...options.timing };
  const log = options.logger ?? pino({ name: 'btls-status' });
  const metrics = options.metrics ?? createMetrics();
  const api = new Api(options.kubeConfig, timing.requestTimeoutMs);
  const caKinds = options.caKinds ?? [{ group: '', kind: 'ConfigMap' }];
  const kinds = watchedKinds(caKinds.some((k) => k.group === '' && k.kind === 'Secret'));
  const identity = options.leaderElection?.identity ?? `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const queue = new WorkQueue(timing.retryBaseMs, timing.retryMaxMs, (d) => metrics.queueDepth.set(d));
  const informers = new Map<string, KindInformer>();
  let stopped = false;

  // resolver + dependency index over the caches, rebuilt lazily after structural changes
  let built: { resolver: Resolver; index: DependencyIndex; at: number } | undefined;
  let stale = true;
  const current = () => {
    if (stale || !built) {
      const snapshot = snapshotView(informers);
      const resolver = createResolver(snapshot, {
        controllerName: options.controllerName,
        ancestorKind: options.ancestorKind,
        supportedWellKnown: options.supportedWellKnown,
        caKinds,
        now: new Date(), // each reconcile passes its own clock to resolve()
      });
      built = { resolver, index: buildDependencyIndex(snapshot, resolver.ancestors, resolver.conflicts), at: Date.now() };
      stale = false;
    }
    return built;
  };

  let allSynced = false;
  let resolveSynced: () => void = () => {};
  const synced = new Promise<void>((r) => (resolveSynced = r));
  const enqueueAll = () => {
    for (const p of informers.get('BackendTLSPolicy')?.list() ?? []) queue.add(policyKey(p as unknown as BackendTLSPolicy));
  };
  const onSynced = () => {
    if (allSynced || ![...informers.values()].every((i) => i.synced)) return;
    allSynced = true;
    stale = true;
    log.info({ kinds: [...informers.values()].map((i) => `${i.kind.kind}${i.absent ? ' (absent)' : `@${i.version}`}`) }, 'caches synced');
    resolveSynced();
    if (isLeader()) enqueueAll();
  };

  // previous version of structural objects: an update must re-queue what the OLD content reached, too
  const lastSeen = new Map<string, KubernetesObject>();
  const onEvent = (kind: string) => (type: EventType, obj: KubernetesObject) => {
    const key = `${kind}/${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
    const prev = lastSeen.get(key);
    if (STRUCTURAL.has(kind)) {
      if (type === 'delete') lastSeen.delete(key);
      else lastSeen.set(key, obj);
    }
    if (!allSynced) return; // everything is queued once the caches are complete
    if (kind === 'BackendTLSPolicy' && type === 'update' && prev && prev.metadata?.generation === obj.metadata?.generation) {
      // a status or metadata write (often our own): precedence and ancestors did not move; re-check only
      // this policy, which also restores our entries if someone else removed them
      queue.add(`${obj.metadata?.namespace}/${obj.metadata?.name}`);
      return;
    }
    // the last built index covers old content, the object itself its new content; a possibly stale index
    // is fine here because every structural event is mapped by both its previous and its new version
    const { index } = built ?? current();
    const affected = index.affectedBy(obj as ChangedObject & { kind: DependencyKind });
    if (prev) for (const k of index.affectedBy(prev as ChangedObject)) affected.add(k);
    if (STRUCTURAL.has(kind)) stale = true;
    for (const k of affected) queue.add(k);
  };

  for (const k of kinds) {
    const inf = new KindInformer(k, options.kubeConfig, api, listNamespace(k, options.namespace), timing, log, onEvent(k.kind), onSynced, () => metrics.errors.inc({ stage: 'informer' }));
    informers.set(k.kind, inf);
  }

  // leader election
  let elector: LeaderElector | undefined;
  if (options.leaderElection) {
    elector = new LeaderElector(
      options.kubeConfig,
      { identity, ...options.leaderElection },
      timing,
      log,
      (leader) => {
        metrics.isLeader.set(leader ? 1 : 0);
        if (leader && allSynced) enqueueAll();
      },
      () => metrics.errors.inc({ stage: 'lease' }),
    );
  } else metrics.isLeader.set(1);
  const isLeader = () => (elector ? elector.isLeader : true);

  const overflowEvents = new OverflowEvents(
    options.events ?? apiEventSink(options.kubeConfig, timing.requestTimeoutMs),
    options.controllerName,
    identity,
    log,
    (kind, namespace, name) => informers.get(kind)?.get(namespace, name)?.metadata?.uid,
    () => metrics.errors.inc({ stage: 'event' }),
  );

  async function reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const pol = informers.get('BackendTLSPolicy')!;
    let policy = pol.get(namespace, name) as unknown as BackendTLSPolicy | undefined;
    if (!policy) {
      overflowEvents.forget(key);
      return; // deleted: its status went with it
    }
    if (stale && built && Date.now() - built.at < timing.rebuildMinIntervalMs) {
      // a burst of structural changes: rebuild the indexes at most every timing.rebuildMinIntervalMs
      queue.addAfter(key, timing.rebuildMinIntervalMs);
      return;
    }
    metrics.reconciles.inc();
    let overflow: ParentReference[] = [];
    const written = await writeStatus(api, pol.version ?? 'v1', policy, {
      compute: (p) => {
        const result = current().resolver.resolve(p, new Date());
        overflow = result.overflow;
        if (result.overflow.length) {
          metrics.overflow.inc(result.overflow.length);
          log.warn({ policy: key, ancestors: result.overflow.map((o) => `${o.namespace}/${o.name}${o.sectionName ? `#${o.sectionName}` : ''}`) }, 'status.ancestors is full (16): the policy is unimplementable for these Gateways');
        }
        return result.status;
      },
      mayWrite: isLeader, // followers compute (cheap) but never write
      onConflict: () => metrics.conflicts.inc(),
    });
    if (written) {
      metrics.writes.inc();
      log.info({ policy: key, generation: policy.metadata.generation }, 'status written');
    }
    // the spec's "signal that on any related resources": Events, once per overflow (events.ts), by the leader
    if (isLeader()) await overflowEvents.report(policy, overflow);
  }

  async function worker(): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await reconcile(key);
        queue.forget(key);
      } catch (err) {
        const code = errorCode(err);
        metrics.errors.inc({ stage: code === undefined ? 'reconcile' : 'write' });
        const delay = queue.addRateLimited(key);
        log.warn({ policy: key, code, err: String((err as Error)?.message ?? err), retryInMs: delay }, 'reconcile failed; retrying');
      } finally {
        queue.done(key);
      }
    }
  }

  const resync = setInterval(() => {
    if (allSynced && isLeader()) enqueueAll();
  }, timing.resyncMs);
  resync.unref?.();

  for (const inf of informers.values()) void inf.start();
  elector?.start();
  const workers = Array.from({ length: options.workers ?? 4 }, () => worker());
  log.info({ controllerName: options.controllerName, identity, namespace: options.namespace ?? '(all)', leaderElection: !!elector }, 'status writer started');

  return {
    metrics,
    synced,
    identity,
    isLeader,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(resync);
      queue.shutDown();
      await Promise.all(workers);
      await elector?.release();
      await Promise.all([...informers.values()].map((i) => i.stop()));
      metrics.isLeader.set(0);
      log.info({ identity }, 'status writer stopped');
    },
  };
}

