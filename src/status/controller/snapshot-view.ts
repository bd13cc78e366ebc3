import type { Snapshot } from '../snapshot.js';
import { snapshotOver } from '../snapshot.js';
import type { KindInformer } from './informers.js';

/**
 * A Snapshot over the informer caches: lists are read when the resolver is (re)built, look-ups go to
 * the cache on every call, so a ConfigMap or Service change needs no rebuild, only a re-resolve.
 */
export function snapshotView(informers: ReadonlyMap<string, KindInformer>): Snapshot {
  return snapshotOver(
    (kind) => informers.get(kind)?.list() ?? [],
    (kind, namespace, name) => informers.get(kind)?.get(namespace, name),
  );
}
