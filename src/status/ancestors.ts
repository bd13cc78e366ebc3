import { GATEWAY_GROUP, type ParentReference } from './api-types.js';
import { keyOf, namespaceOf, type ObjectReference, type ReferenceGrant, type Route, type Snapshot } from './snapshot.js';

/**
 * Ancestor discovery: which of our Gateways reach a Service.
 * Service <- a Route backendRef (namespace defaults to the Route's; across namespaces only with a
 * ReferenceGrant) <- the Route's parentRefs (namespace defaults to the Route's) <- a Gateway whose
 * GatewayClass has our controllerName. Listener allowedRoutes are not evaluated: that is the Gateway
 * controller's verdict, written on the Route, and we do not act for that controller.
 */

/** One backendRef of a Route to a core Service, with its namespace made explicit. */
export interface ServiceBackendRef {
  namespace: string;
  name: string;
}

/** What a Route touches, also used by the dependency index for routes it has not seen before. */
export interface RouteEdges {
  services: ServiceBackendRef[];
  parents: { namespace: string; name: string; sectionName?: string }[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function serviceRef(ref: unknown, routeNs: string): ServiceBackendRef | undefined {
  if (!isObject(ref) || typeof ref.name !== 'string') return undefined;
  const group = typeof ref.group === 'string' ? ref.group : '';
  const kind = typeof ref.kind === 'string' ? ref.kind : 'Service';
  if (group !== '' || kind !== 'Service') return undefined;
  return { namespace: typeof ref.namespace === 'string' && ref.namespace ? ref.namespace : routeNs, name: ref.name };
}

function mirrorRefs(filters: unknown): unknown[] {
  return asArray(filters).flatMap((f) => (isObject(f) && isObject(f.requestMirror) ? [f.requestMirror.backendRef] : []));
}

/** backendRefs of every rule, plus the backends of RequestMirror filters (they carry the policy's TLS too). */
export function routeEdges(route: Route): RouteEdges {
  const ns = namespaceOf(route);
  const services: ServiceBackendRef[] = [];
  for (const rule of asArray(route.spec?.rules)) {
    if (!isObject(rule)) continue;
    const refs: unknown[] = [...mirrorRefs(rule.filters)];
    for (const b of asArray(rule.backendRefs)) {
      refs.push(b);
      if (isObject(b)) refs.push(...mirrorRefs(b.filters));
    }
    for (const r of refs) {
      const s = serviceRef(r, ns);
      if (s) services.push(s);
    }
  }
  const parents: RouteEdges['parents'] = [];
  for (const p of asArray(route.spec?.parentRefs) as ObjectReference[]) {
    if (!isObject(p) || typeof p.name !== 'string') continue;
    if ((p.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (p.kind ?? 'Gateway') !== 'Gateway') continue;
    parents.push({ namespace: p.namespace || ns, name: p.name, ...(p.sectionName ? { sectionName: p.sectionName } : {}) });
  }
  return { services, parents };
}

/** Does a ReferenceGrant in the Service's namespace let this Route kind from its namespace refer to it? */
export function grantAllows(grants: readonly ReferenceGrant[], route: Route, target: ServiceBackendRef): boolean {
  const from = namespaceOf(route);
  if (from === target.namespace) return true;
  return grants.some(
    (g) =>
      namespaceOf(g) === target.namespace &&
      asArray(g.spec?.from).some(
        (f) => isObject(f) && (f.group ?? '') === GATEWAY_GROUP && f.kind === route.kind && f.namespace === from,
      ) &&
      asArray(g.spec?.to).some(
        (t) => isObject(t) && (t.group ?? '') === '' && t.kind === 'Service' && (!t.name || t.name === target.name),
      ),
  );
}

export function ancestorKey(ref: ParentReference): string {
  return `${ref.group ?? ''}/${ref.kind ?? ''}/${ref.namespace ?? ''}/${ref.name}/${ref.sectionName ?? ''}/${ref.port ?? ''}`;
}

/** Namespace, then name, then sectionName (none first): the order ancestors are written in. */
export function compareAncestors(a: ParentReference, b: ParentReference): number {
  const ka = [a.namespace ?? '', a.name, a.sectionName ?? ''];
  const kb = [b.namespace ?? '', b.name, b.sectionName ?? ''];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
  return 0;
}

export interface AncestorIndex {
  /** our Gateways reaching a Service, deduplicated and in compareAncestors order */
  gatewaysFor(namespace: string, name: string): readonly ParentReference[];
  /** every Route with a backendRef to the Service (granted or not), as `Kind/ns/name` */
  routesFor(namespace: string, name: string): readonly string[];
  /** every Gateway the Route's parentRefs name (ours or not), as `ns/name` */
  gatewaysOfRoute(routeKey: string): readonly string[];
}

export function routeKey(route: Route): string {
  return `${route.kind}/${namespaceOf(route)}/${route.metadata.name}`;
}

/** One pass over Routes and Gateways; later look-ups are map reads. */
export function buildAncestorIndex(snapshot: Snapshot, controllerName: string): AncestorIndex {
  const ourClasses = new Set(
    snapshot.gatewayClasses.filter((c) => c.spec?.controllerName === controllerName).map((c) => c.metadata.name),
  );
  const ourGateways = new Set(
    snapshot.gateways
      .filter((g) => ourClasses.has(g.spec?.gatewayClassName ?? ''))
      .map((g) => keyOf(namespaceOf(g), g.metadata.name)),
  );
  // grants live in the Service's namespace; bucket them so a cross-namespace check reads only those
  const grantsByNs = new Map<string, ReferenceGrant[]>();
  for (const g of snapshot.referenceGrants) {
    const l = grantsByNs.get(namespaceOf(g));
    if (l) l.push(g);
    else grantsByNs.set(namespaceOf(g), [g]);
  }
  const byService = new Map<string, Map<string, ParentReference>>();
  const routesByService = new Map<string, Set<string>>();
  const gatewaysByRoute = new Map<string, string[]>();
  for (const route of snapshot.routes) {
    const edges = routeEdges(route);
    const rk = routeKey(route);
    gatewaysByRoute.set(rk, edges.parents.map((p) => keyOf(p.namespace, p.name)));
    const parents: ParentReference[] = edges.parents
      .filter((p) => ourGateways.has(keyOf(p.namespace, p.name)))
      .map((p) => ({
        group: GATEWAY_GROUP,
        kind: 'Gateway',
        namespace: p.namespace,
        name: p.name,
        ...(p.sectionName ? { sectionName: p.sectionName } : {}),
      }));
    for (const s of edges.services) {
      const sk = keyOf(s.namespace, s.name);
      let routes = routesByService.get(sk);
      if (!routes) routesByService.set(sk, (routes = new Set()));
      routes.add(rk);
      if (parents.length === 0 || !grantAllows(grantsByNs.get(s.namespace) ?? [], route, s)) continue;
      let m = byService.get(sk);
      if (!m) byService.set(sk, (m = new Map()));
      for (const p of parents) m.set(ancestorKey(p), p);
    }
  }
  const sorted = new Map<string, ParentReference[]>();
  for (const [sk, m] of byService) sorted.set(sk, [...m.values()].sort(compareAncestors));
  return {
    gatewaysFor: (ns, name) => sorted.get(keyOf(ns, name)) ?? [],
    routesFor: (ns, name) => [...(routesByService.get(keyOf(ns, name)) ?? [])],
    gatewaysOfRoute: (rk) => gatewaysByRoute.get(rk) ?? [],
  };
}
