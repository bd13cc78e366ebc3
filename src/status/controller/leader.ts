import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Timing } from './config.js';
import { errorCode, timeoutOptions } from './http.js';

export interface LeaseOptions {
  name: string;
  namespace: string;
  identity: string;
}

/**
 * Lease-based leader election (coordination.k8s.io/v1), after client-go's leaderelection: a candidate
 * takes the Lease when it is free or when its record has not changed for leaseDuration by the
 * candidate's OWN clock (so clock skew between replicas does not matter); the holder renews every
 * retry period and steps down if it could not renew within renewDeadline. `release()` empties the
 * holder so that another replica takes over at once (on SIGTERM), instead of after leaseDuration.
 */
export class LeaderElector {
  private readonly api: CoordinationV1Api;
  /**
   * every Lease call gives up after half the renew deadline: a tick (a read and a write) then ends within the
   * deadline, and a leader whose apiserver stopped answering steps down in time (client-go bounds its
   * renewals the same way), instead of waiting on the call while another replica takes the expired Lease
   */
  private readonly callOptions: ReturnType<typeof timeoutOptions>;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private leader = false;
  /** the tick in progress: release() waits for it, or a renewal landing after the release's read makes it 409 */
  private ticking: Promise<void> | undefined;
  private lastRenew = 0;
  private observed: { record: string; at: number } | undefined;

  constructor(
    kc: KubeConfig,
    private readonly lease: LeaseOptions,
    private readonly timing: Timing,
    private readonly log: Logger,
    private readonly onChange: (leader: boolean) => void,
    private readonly onError: () => void,
  ) {
    this.api = kc.makeApiClient(CoordinationV1Api);
    this.callOptions = timeoutOptions(Math.max(1, Math.floor(timing.renewDeadlineMs / 2)));
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    void this.run();
  }

  private schedule() {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.run(), this.timing.leaseRetryMs);
    this.timer.unref?.();
  }

  private setLeader(v: boolean) {
    if (v === this.leader) return;
    this.leader = v;
    this.log.info({ lease: `${this.lease.namespace}/${this.lease.name}`, identity: this.lease.identity }, v ? 'became leader' : 'lost leadership');
    this.onChange(v);
  }

  private spec(now: Date, acquire: boolean, current?: V1Lease) {
    return {
      holderIdentity: this.lease.identity,
      leaseDurationSeconds: Math.ceil(this.timing.leaseDurationMs / 1000),
      acquireTime: acquire ? new V1MicroTime(now.getTime()) : current?.spec?.acquireTime,
      renewTime: new V1MicroTime(now.getTime()),
      leaseTransitions: (current?.spec?.leaseTransitions ?? 0) + (acquire && current ? 1 : 0),
    };
  }

  private run(): Promise<void> {
    this.ticking = this.tick().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const { name, namespace, identity } = this.lease;
    const now = new Date();
    try {
      let current: V1Lease | undefined;
      try {
        current = await this.api.readNamespacedLease({ name, namespace }, this.callOptions);
      } catch (err) {
        if (errorCode(err) !== 404) throw err;
      }
      if (!current) {
        await this.api.createNamespacedLease({ namespace, body: { metadata: { name, namespace }, spec: this.spec(now, true) } }, this.callOptions);
        this.lastRenew = Date.now();
        this.setLeader(true);
        return;
      }
      const holder = current.spec?.holderIdentity ?? '';
      const record = `${holder}|${current.spec?.renewTime?.toString() ?? ''}|${current.metadata?.resourceVersion ?? ''}`;
      if (!this.observed || this.observed.record !== record) this.observed = { record, at: Date.now() };
      const durationMs = (current.spec?.leaseDurationSeconds ?? 15) * 1000;
      const expired = Date.now() - this.observed.at > durationMs;
      if (holder === identity || holder === '' || expired) {
        const acquire = holder !== identity;
        const replaced = await this.api.replaceNamespacedLease({
          name,
          namespace,
          body: { ...current, spec: this.spec(now, acquire, current) },
        }, this.callOptions);
        this.observed = { record: `${identity}|${replaced.spec?.renewTime?.toString() ?? ''}|${replaced.metadata?.resourceVersion ?? ''}`, at: Date.now() };
        this.lastRenew = Date.now();
        this.setLeader(true);
      } else {
        this.setLeader(false);
      }
    } catch (err) {
      // 409: another candidate wrote the Lease first; anything else: count it and keep trying
      if (errorCode(err) !== 409) {
        this.onError();
        this.log.warn({ err: String((err as Error)?.message ?? err) }, 'lease update failed');
      }
      if (this.leader && Date.now() - this.lastRenew > this.timing.renewDeadlineMs) this.setLeader(false);
    } finally {
      this.schedule();
    }
  }

  /** Stop campaigning; if we hold the Lease, hand it back so another replica takes over immediately. */
  async release(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    if (!this.leader) return;
    this.setLeader(false);
    const { name, namespace, identity } = this.lease;
    // a 409 means the Lease changed between read and write (another candidate, or a renewal): read it again
    for (let attempt = 1; ; attempt++) {
      try {
        const current = await this.api.readNamespacedLease({ name, namespace }, this.callOptions);
        if (current.spec?.holderIdentity !== identity) return;
        await this.api.replaceNamespacedLease({
          name,
          namespace,
          body: { ...current, spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: new V1MicroTime(Date.now()) } },
        }, this.callOptions);
        this.log.info({ lease: `${namespace}/${name}` }, 'lease released');
        return;
      } catch (err) {
        if (errorCode(err) === 409 && attempt < 3) continue;
        this.log.warn({ err: String((err as Error)?.message ?? err) }, 'could not release the lease; it expires on its own');
        return;
      }
    }
  }
}
