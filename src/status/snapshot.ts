import type { KubeObject } from '../rules/types.js';
import type { PolicyStatus } from './api-types.js';

/**
 * What the resolver reads. Lists for the kinds it walks (policies, routes, gateways, classes, grants),
 * look-ups for the kinds it only dereferences (Services, ConfigMaps, Secrets), so that the live
 * controller can hand its informer caches over without copying 5,000 ConfigMaps per reconcile.
 */
export interface Meta {
  name: string;
  namespace?: string;
  generation?: number;
  creationTimestamp?: string;
  resourceVersion?: string;
  [k: string]: unknown;
}

export interface Obj<Spec = Record<string, unknown>> extends KubeObject {
  metadata: Meta;
  spec?: Spec;
}

export interface ObjectReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  sectionName?: string;
  port?: number;
}

export interface BackendTLSPolicy extends Obj<{
  targetRefs?: ObjectReference[];
  validation?: {
    caCertificateRefs?: ObjectReference[];
    wellKnownCACertificates?: string;
    hostname?: string;
    subjectAltNames?: unknown[];
  };
  options?: Record<string, string>;
}> {
  status?: Partial<PolicyStatus>;
}

export interface Service extends Obj<{ ports?: { name?: string; port?: number }[] }> {}
export interface ConfigMap extends Obj {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}
export interface Secret extends Obj {
  data?: Record<string, string>;
}

export type RouteKind = 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute';
export interface Route extends Obj<{ parentRefs?: ObjectReference[]; rules?: unknown[] }> {
  kind: RouteKind;
}
export interface Gateway extends Obj<{ gatewayClassName?: string }> {}
export interface GatewayClass extends Obj<{ controllerName?: string }> {}
export interface ReferenceGrant
  extends Obj<{
    from?: { group?: string; kind?: string; namespace?: string }[];
    to?: { group?: string; kind?: string; name?: string }[];
  }> {}

export interface Snapshot {
  policies: readonly BackendTLSPolicy[];
  routes: readonly Route[];
  gateways: readonly Gateway[];
  gatewayClasses: readonly GatewayClass[];
  referenceGrants: readonly ReferenceGrant[];
  service(namespace: string, name: string): Service | undefined;
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
}

/** Objects without a namespace are read as in `default`, as kubectl would create them. */
export const DEFAULT_NAMESPACE = 'default';

export function namespaceOf(o: { metadata?: { namespace?: string } }): string {
  return o.metadata?.namespace || DEFAULT_NAMESPACE;
}

export function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/**
 * The items of a reference list that can be followed: mappings with a string name. The API server's schema
 * guarantees more for stored objects; `btls status` reads any YAML, and the pure core must not throw on it.
 */
export function refsOf(v: unknown): ObjectReference[] {
  return Array.isArray(v) ? v.filter((r): r is ObjectReference => typeof r === 'object' && r !== null && !Array.isArray(r) && typeof r.name === 'string') : [];
}

const routeKinds = new Set<string>(['HTTPRoute', 'GRPCRoute', 'TLSRoute']);

/**
 * A snapshot from loose objects (offline `btls status`, tests, the benchmark). Objects of other kinds are
 * ignored; for the same kind/namespace/name the last one wins, as `kubectl apply` of a stream would.
 */
export function snapshotFromObjects(objects: readonly KubeObject[]): Snapshot {
  const byKind = new Map<string, Map<string, Obj>>();
  for (const o of objects) {
    if (!o || typeof o !== 'object' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') continue;
    const obj = o as Obj;
    const ns = namespaceOf(obj);
    const normalised: Obj = obj.metadata.namespace ? obj : { ...obj, metadata: { ...obj.metadata, namespace: ns } };
    let m = byKind.get(o.kind);
    if (!m) byKind.set(o.kind, (m = new Map()));
    m.set(keyOf(ns, obj.metadata.name), normalised);
  }
  return snapshotOver(
    (kind) => [...(byKind.get(kind)?.values() ?? [])],
    (kind, namespace, name) => byKind.get(kind)?.get(keyOf(namespace, name)),
  );
}

/**
 * A Snapshot over any store of objects by kind: the lists are read once, look-ups go to the store on every
 * call (so the controller's informer caches need no copy). Route objects get their kind if the store lost it.
 */
export function snapshotOver(list: (kind: string) => readonly unknown[], get: (kind: string, namespace: string, name: string) => unknown): Snapshot {
  const lookup =
    <T>(kind: string) =>
    (namespace: string, name: string): T | undefined =>
      get(kind, namespace, name) as T | undefined;
  return {
    policies: list('BackendTLSPolicy') as BackendTLSPolicy[],
    routes: [...routeKinds].flatMap((k) => (list(k) as Array<{ kind?: string }>).map((r) => ((r.kind ??= k), r as unknown as Route))),
    gateways: list('Gateway') as Gateway[],
    gatewayClasses: list('GatewayClass') as GatewayClass[],
    referenceGrants: list('ReferenceGrant') as ReferenceGrant[],
    service: lookup<Service>('Service'),
    configMap: lookup<ConfigMap>('ConfigMap'),
    secret: lookup<Secret>('Secret'),
  };
}
