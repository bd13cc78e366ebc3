import type { KubernetesObject } from '@kubernetes/client-node';
import type { BackendTLSPolicy, ConfigMap, Gateway, GatewayClass, ReferenceGrant, Route, Secret, Service, Snapshot } from '../snapshot.js';
import type { KindInformer } from './informers.js';

/**
 * A Snapshot over the informer caches: lists are read when the resolver is (re)built, look-ups go to
 * the cache on every call, so a ConfigMap or Service change needs no rebuild, only a re-resolve.
 */
export function snapshotView(informers: ReadonlyMap<string, KindInformer>): Snapshot {
  const list = <T>(kind: string): T[] => (informers.get(kind)?.list() ?? []) as unknown as T[];
  const get =
    <T>(kind: string) =>
    (namespace: string, name: string): T | undefined =>
      informers.get(kind)?.get(namespace, name) as T | undefined;
  return {
    policies: list<BackendTLSPolicy>('BackendTLSPolicy'),
    routes: ['HTTPRoute', 'GRPCRoute', 'TLSRoute'].flatMap((k) => list<KubernetesObject>(k).map((r) => ((r.kind ??= k), r as unknown as Route))),
    gateways: list<Gateway>('Gateway'),
    gatewayClasses: list<GatewayClass>('GatewayClass'),
    referenceGrants: list<ReferenceGrant>('ReferenceGrant'),
    service: get<Service>('Service'),
    configMap: get<ConfigMap>('ConfigMap'),
    secret: get<Secret>('Secret'),
  };
}
