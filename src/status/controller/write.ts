import type { KubernetesObject } from '@kubernetes/client-node';
import { statusEqual } from '../equal.js';
import type { PolicyStatus } from '../api-types.js';
import type { BackendTLSPolicy } from '../snapshot.js';
import { MAX_CONFLICT_RETRIES } from './config.js';
import { errorCode, type Api } from './http.js';
import { POLICY_KIND } from './kinds.js';

export interface WriteHooks {
  /** the status the writer wants for this version of the policy */
  compute(policy: BackendTLSPolicy): PolicyStatus;
  /** false on a follower: it computes but never writes */
  mayWrite(): boolean;
  onConflict(): void;
}

/**
 * Writes the computed status with the resourceVersion it was computed from (PUT .../status). On 409 someone
 * wrote first: re-read the object itself (the informer cache may lag), recompute, and try again, a few
 * times. Returns whether a write happened; an equal status is never written.
 */
export async function writeStatus(api: Api, version: string, policy: BackendTLSPolicy, hooks: WriteHooks): Promise<boolean> {
  let current = policy;
  for (let attempt = 0; ; attempt++) {
    const status = hooks.compute(current);
    if (statusEqual(status, current.status) || !hooks.mayWrite()) return false;
    try {
      await api.replaceStatus(POLICY_KIND, version, { ...(current as unknown as KubernetesObject), status } as KubernetesObject);
      return true;
    } catch (err) {
      if (errorCode(err) !== 409 || attempt >= MAX_CONFLICT_RETRIES) throw err;
      hooks.onConflict();
      const { namespace, name } = current.metadata;
      current = (await api.get(POLICY_KIND, version, namespace ?? 'default', name)) as unknown as BackendTLSPolicy;
    }
  }
}
