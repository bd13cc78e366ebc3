import type { KubernetesObject } from '@kubernetes/client-node';
import { CA_KEY } from '../ca-bundle.js';

/**
 * What the writer keeps of each object it caches: exactly the fields src/status reads, nothing else. The
 * informers cache every object of their kind cluster-wide (a ConfigMap holds up to 1 MiB, and clusters hold
 * thousands of them that no policy names), so each list page and watch event is trimmed before it is stored,
 * as controller-runtime's cache transforms do. managedFields, annotations, labels and status (but a policy's
 * own) are never kept.
 *
 * Who reads what (keep this table in step with the readers):
 *  - metadata: name, namespace (cache keys, every index), resourceVersion (the cache skips same-version
 *    updates; the status PUT's optimistic concurrency), generation (observedGeneration; controller.ts tells
 *    status-only policy updates apart), creationTimestamp (conflicts.ts: precedence), uid (events.ts: Events
 *    that `kubectl describe` lists under the policy or Gateway)
 *  - BackendTLSPolicy: spec (resolve.ts, conflicts.ts, dependencies.ts; bounded by the CRD's schema) and
 *    status (merge.ts merges with it, write.ts compares with it)
 *  - Service: spec.ports[].name (sectionName) and .port
 *  - ConfigMap: data['ca.crt'], binaryData['ca.crt'] (ca-bundle.ts reads binaryData when data has no ca.crt)
 *  - Secret: data['ca.crt']
 *  - HTTPRoute / GRPCRoute / TLSRoute: spec.parentRefs, and of spec.rules the Service backendRefs and
 *    RequestMirror backendRefs (ancestors.ts routeEdges)
 *  - Gateway: spec.gatewayClassName; GatewayClass: spec.controllerName
 *  - ReferenceGrant: spec.from[] {group, kind, namespace}, spec.to[] {group, kind, name}
 */

type Plain = Record<string, unknown>;

const isObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Copies the named fields that are set; `undefined` and `null` are left out as if absent. */
function pick(from: unknown, keys: readonly string[]): Plain {
  const out: Plain = {};
  if (!isObject(from)) return out;
  for (const k of keys) if (from[k] !== undefined && from[k] !== null) out[k] = from[k];
  return out;
}

/** `pick` over the mappings of a list; anything else in it is dropped (never reached by the readers). */
function pickEach(from: unknown, keys: readonly string[]): Plain[] | undefined {
  return Array.isArray(from) ? from.filter(isObject).map((x) => pick(x, keys)) : undefined;
}

/** Sets `key` only when the value is there, so that absent stays absent (the readers tell the two apart). */
function put(out: Plain, key: string, value: unknown): Plain {
  if (value !== undefined) out[key] = value;
  return out;
}

const META_KEYS = ['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp'] as const;

function meta(m: unknown): Plain {
  const out = pick(m, META_KEYS);
  // client-node's typed core clients turn timestamps into Dates; keep the wire form the watch delivers
  const ts = out.creationTimestamp;
  if (Object.prototype.toString.call(ts) === '[object Date]') out.creationTimestamp = (ts as Date).toISOString().replace('.000Z', 'Z');
  return out;
}

/** ca.crt of a data map, and nothing else of it; undefined when there is none, so no empty map is invented. */
function caOnly(data: unknown): Plain | undefined {
  return isObject(data) && data[CA_KEY] !== undefined ? { [CA_KEY]: data[CA_KEY] } : undefined;
}

const REF_KEYS = ['group', 'kind', 'namespace', 'name', 'sectionName', 'port'] as const;
const BACKEND_KEYS = ['group', 'kind', 'namespace', 'name'] as const;

/** Only RequestMirror filters are read, and of them only the backendRef. */
function mirrorFilters(filters: unknown): Plain[] | undefined {
  if (!Array.isArray(filters)) return undefined;
  const kept = filters
    .filter((f): f is Plain => isObject(f) && isObject(f.requestMirror))
    .map((f) => ({ requestMirror: put({}, 'backendRef', isObject((f.requestMirror as Plain).backendRef) ? pick((f.requestMirror as Plain).backendRef, BACKEND_KEYS) : undefined) }));
  return kept.length ? kept : undefined;
}

function routeSpec(spec: unknown): Plain {
  if (!isObject(spec)) return {};
  const out = put({}, 'parentRefs', pickEach(spec.parentRefs, REF_KEYS));
  if (Array.isArray(spec.rules)) {
    out.rules = spec.rules.filter(isObject).map((rule) => {
      const r = put({}, 'filters', mirrorFilters(rule.filters));
      if (Array.isArray(rule.backendRefs)) {
        r.backendRefs = rule.backendRefs.filter(isObject).map((b) => put(pick(b, BACKEND_KEYS), 'filters', mirrorFilters(b.filters)));
      }
      return r;
    });
  }
  return out;
}

type Trim = (o: Plain) => Plain;

const specOf = (o: Plain, keys: readonly string[]): Plain => pick(o.spec, keys);

const trims: Record<string, Trim> = {
  BackendTLSPolicy: (o) => put(put({}, 'spec', o.spec), 'status', o.status),
  Service: (o) => ({ spec: put({}, 'ports', pickEach(isObject(o.spec) ? o.spec.ports : undefined, ['name', 'port'])) }),
  ConfigMap: (o) => put(put({}, 'data', caOnly(o.data)), 'binaryData', caOnly(o.binaryData)),
  Secret: (o) => put({}, 'data', caOnly(o.data)),
  HTTPRoute: (o) => ({ spec: routeSpec(o.spec) }),
  GRPCRoute: (o) => ({ spec: routeSpec(o.spec) }),
  TLSRoute: (o) => ({ spec: routeSpec(o.spec) }),
  Gateway: (o) => ({ spec: specOf(o, ['gatewayClassName']) }),
  GatewayClass: (o) => ({ spec: specOf(o, ['controllerName']) }),
  ReferenceGrant: (o) => {
    const spec = isObject(o.spec) ? o.spec : {};
    return { spec: put(put({}, 'from', pickEach(spec.from, ['group', 'kind', 'namespace'])), 'to', pickEach(spec.to, ['group', 'kind', 'name'])) };
  },
};

/**
 * The trimmer of a kind: a new object with kind, apiVersion, the metadata above and the kind's fields; the
 * input is not changed (and no longer referenced, so what was dropped can be collected).
 */
export function trimmerFor(kind: string, apiVersion: string): (obj: KubernetesObject) => KubernetesObject {
  const body = trims[kind] ?? (() => ({}));
  return (obj) => {
    const o = obj as unknown as Plain;
    return { apiVersion: (o.apiVersion as string | undefined) ?? apiVersion, kind: (o.kind as string | undefined) ?? kind, metadata: meta(o.metadata), ...body(o) } as KubernetesObject;
  };
}
