import { routeEdges, routeKey, type AncestorIndex } from './ancestors.js';
import { policyKey, type ConflictIndex } from './conflicts.js';
import { keyOf, namespaceOf, refsOf, type BackendTLSPolicy, type Gateway, type Route, type Snapshot } from './snapshot.js';

/**
 * Which policies depend on which objects, so that a change re-resolves (and the controller re-queues)
 * exactly the policies it can affect. Two sources, unioned by `affectedBy`:
 *  - what the index recorded when it was built (covers an object's OLD content: a Route that used to
 *    point at a Service, a ConfigMap a policy names, a Gateway on the path);
 *  - the object's NEW content (a Route that now points at a Service, a Gateway now of our class),
 *    evaluated against the current policies' spec, which the index keeps per Service and namespace.
 */

export type DependencyKind =
  | 'BackendTLSPolicy'
  | 'Service'
  | 'ConfigMap'
  | 'Secret'
  | 'HTTPRoute'
  | 'GRPCRoute'
  | 'TLSRoute'
  | 'Gateway'
  | 'GatewayClass'
  | 'ReferenceGrant';

export interface ChangedObject {
  kind: DependencyKind;
  metadata: { name: string; namespace?: string };
  spec?: unknown;
}

export interface DependencyIndex {
  /** policy keys (`namespace/name`) whose status may change when `obj` (in its old or new form) changes */
  affectedBy(obj: ChangedObject): Set<string>;
  /** number of recorded edges, for logs and the benchmark */
  readonly size: number;
}

function objKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

export function buildDependencyIndex(snapshot: Snapshot, ancestors: AncestorIndex, conflicts: ConflictIndex): DependencyIndex {
  const edges = new Map<string, Set<string>>();
  let size = 0;
  const add = (k: string, p: string) => {
    let s = edges.get(k);
    if (!s) edges.set(k, (s = new Set()));
    if (!s.has(p)) size++;
    s.add(p);
  };
  const policiesByService = new Map<string, Set<string>>();
  const policiesByNamespace = new Map<string, Set<string>>();
  const routesByGateway = new Map<string, Route[]>();
  for (const r of snapshot.routes) {
    for (const g of ancestors.gatewaysOfRoute(routeKey(r))) {
      let l = routesByGateway.get(g);
      if (!l) routesByGateway.set(g, (l = []));
      l.push(r);
    }
  }
  const gatewaysByName = new Map<string, Gateway>(snapshot.gateways.map((g) => [keyOf(namespaceOf(g), g.metadata.name), g]));

  for (const p of snapshot.policies) {
    const pk = policyKey(p);
    const ns = namespaceOf(p);
    add(objKey('BackendTLSPolicy', ns, p.metadata.name), pk);
    for (const ref of refsOf(p.spec?.validation?.caCertificateRefs)) add(objKey(ref.kind ?? '', ns, ref.name), pk);
    for (const t of refsOf(p.spec?.targetRefs)) {
      if ((t.group ?? '') !== '' || t.kind !== 'Service') continue;
      const sk = keyOf(ns, t.name);
      add(objKey('Service', ns, t.name), pk);
      (policiesByService.get(sk) ?? policiesByService.set(sk, new Set()).get(sk)!).add(pk);
      (policiesByNamespace.get(ns) ?? policiesByNamespace.set(ns, new Set()).get(ns)!).add(pk);
      for (const peer of conflicts.peers(ns, t)) add(objKey('BackendTLSPolicy', namespaceOf(peer), peer.metadata.name), pk);
      for (const rk of ancestors.routesFor(ns, t.name)) {
        add(rk, pk);
        for (const gk of ancestors.gatewaysOfRoute(rk)) {
          add(`Gateway/${gk}`, pk);
          const gw = gatewaysByName.get(gk);
          if (gw?.spec?.gatewayClassName) add(objKey('GatewayClass', '', gw.spec.gatewayClassName), pk);
        }
      }
    }
  }

  const viaRoutes = (routes: readonly Route[], out: Set<string>) => {
    for (const r of routes) for (const s of routeEdges(r).services) for (const p of policiesByService.get(keyOf(s.namespace, s.name)) ?? []) out.add(p);
  };

  return {
    size,
    affectedBy(obj) {
      const ns = obj.kind === 'GatewayClass' ? '' : obj.metadata.namespace || 'default';
      const out = new Set(edges.get(objKey(obj.kind, ns, obj.metadata.name)) ?? []);
      switch (obj.kind) {
        case 'BackendTLSPolicy': {
          // itself, and every policy that selects (in the new spec) one of the same targets: precedence moves
          out.add(keyOf(ns, obj.metadata.name));
          const spec = obj.spec as BackendTLSPolicy['spec'];
          for (const t of refsOf(spec?.targetRefs)) for (const peer of conflicts.peers(ns, t)) out.add(policyKey(peer));
          break;
        }
        case 'HTTPRoute':
        case 'GRPCRoute':
        case 'TLSRoute':
          viaRoutes([obj as unknown as Route], out);
          break;
        case 'Gateway':
          viaRoutes(routesByGateway.get(keyOf(ns, obj.metadata.name)) ?? [], out);
          break;
        case 'GatewayClass':
          for (const g of snapshot.gateways) {
            if (g.spec?.gatewayClassName === obj.metadata.name) viaRoutes(routesByGateway.get(keyOf(namespaceOf(g), g.metadata.name)) ?? [], out);
          }
          break;
        case 'ReferenceGrant':
          // a grant opens or closes cross-namespace backendRefs to Services of its namespace
          for (const p of policiesByNamespace.get(ns) ?? []) out.add(p);
          break;
        default:
          break;
      }
      return out;
    },
  };
}
