/** Every duration of the status writer, named in one place (tests shorten them; nothing else hard-codes one). */
export interface Timing {
  /** re-queue every policy this often; with no change, a resync writes nothing */
  resyncMs: number;
  /** informer restart after a watch/list error: first delay and cap (doubling in between) */
  informerBackoffMs: number;
  informerBackoffMaxMs: number;
  /** a kind whose CRD is absent is looked for again this often */
  absentKindRetryMs: number;
  /** per-key retry after a failed reconcile: first delay and cap (doubling per failure) */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Lease: how long a holder's claim lasts, how often candidates retry, how long a leader may fail to renew */
  leaseDurationMs: number;
  leaseRetryMs: number;
  renewDeadlineMs: number;
  /** during bursts of Route/Gateway/policy changes, rebuild the resolver's indexes at most this often */
  rebuildMinIntervalMs: number;
  /** one API call other than a watch (a list page, a status write, an Event) gives up after this */
  requestTimeoutMs: number;
  /**
   * a watch asks the apiserver to end it after this, times a random factor from 1 to 2 (as client-go's
   * reflector does, so that replicas do not reconnect in step); one that has not ended `requestTimeoutMs`
   * later is on a dead connection and is cut
   */
  watchTimeoutMs: number;
}

export const defaultTiming: Timing = {
  resyncMs: 5 * 60_000,
  informerBackoffMs: 1_000,
  informerBackoffMaxMs: 60_000,
  absentKindRetryMs: 30_000,
  retryBaseMs: 200,
  retryMaxMs: 60_000,
  leaseDurationMs: 15_000,
  leaseRetryMs: 2_000,
  renewDeadlineMs: 10_000,
  rebuildMinIntervalMs: 250,
  requestTimeoutMs: 30_000,
  watchTimeoutMs: 5 * 60_000,
};

/** How many times a status PUT is retried on 409 (re-read, recompute) before the key goes back on the queue. */
export const MAX_CONFLICT_RETRIES = 3;

/** How many times a paged LIST starts over after its continue token expired (410 Gone) before it counts as failed. */
export const MAX_CONTINUE_RELISTS = 3;
