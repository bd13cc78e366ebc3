/**
 * The shape of the fields the resolver reads, per kind, as the API server's schemas require them. The live
 * controller only ever sees objects the API server stored; `btls status` reads any YAML, and an object whose
 * shape the API server would refuse is reported (field by field) and left out instead of being resolved.
 */

type Shape =
  | 'string'
  | 'object' // any mapping
  | { fields: Record<string, Shape>; required?: string[] }
  | { items: Shape }
  | { values: Shape };

export interface ShapeProblem {
  /** Kubernetes field path, as locateField walks it */
  field: string;
  message: string;
}

const ref: Shape = { fields: { group: 'string', kind: 'string', name: 'string', namespace: 'string', sectionName: 'string' }, required: ['name'] };
const condition: Shape = { fields: { type: 'string', status: 'string', reason: 'string', message: 'string', lastTransitionTime: 'string' } };
const backendRef: Shape = { fields: { group: 'string', kind: 'string', name: 'string', namespace: 'string', filters: { items: 'object' } }, required: ['name'] };
const rule: Shape = { fields: { backendRefs: { items: backendRef }, filters: { items: 'object' } } };
const route: Shape = { fields: { spec: { fields: { parentRefs: { items: ref }, rules: { items: rule } } } } };
const stringData: Shape = { fields: { data: { values: 'string' }, binaryData: { values: 'string' } } };

const shapes: Record<string, Shape> = {
  BackendTLSPolicy: {
    fields: {
      spec: {
        fields: {
          targetRefs: { items: ref },
          validation: { fields: { caCertificateRefs: { items: ref }, wellKnownCACertificates: 'string', hostname: 'string' } },
          options: { values: 'string' },
        },
      },
      status: {
        fields: {
          ancestors: {
            items: { fields: { ancestorRef: ref, controllerName: 'string', conditions: { items: condition } }, required: ['ancestorRef', 'controllerName'] },
          },
        },
      },
    },
  },
  HTTPRoute: route,
  GRPCRoute: route,
  TLSRoute: route,
  Service: { fields: { spec: { fields: { ports: { items: { fields: { name: 'string' } } } } } } },
  ConfigMap: stringData,
  Secret: stringData,
  Gateway: { fields: { spec: { fields: { gatewayClassName: 'string' } } } },
  GatewayClass: { fields: { spec: { fields: { controllerName: 'string' } } } },
  ReferenceGrant: { fields: { spec: { fields: { from: { items: 'object' }, to: { items: 'object' } } } } },
};

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v} (${JSON.stringify(v)})`;
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function check(v: unknown, shape: Shape, field: string, out: ShapeProblem[]): void {
  if (shape === 'string') {
    if (typeof v !== 'string') out.push({ field, message: `must be a string, not ${typeName(v)}` });
    return;
  }
  if (shape === 'object' || 'fields' in shape || 'values' in shape) {
    if (!isMapping(v)) {
      out.push({ field, message: `must be a mapping, not ${typeName(v)}` });
      return;
    }
    if (shape === 'object') return;
    if ('values' in shape) {
      for (const [k, x] of Object.entries(v)) check(x, shape.values, `${field}[${k}]`, out);
      return;
    }
    const at = (name: string) => (field ? `${field}.${name}` : name);
    for (const name of shape.required ?? []) if (v[name] === undefined || v[name] === null) out.push({ field: at(name), message: 'is required' });
    for (const [name, s] of Object.entries(shape.fields)) {
      // null stands for "not set" in JSON merge semantics and kubectl drops it: only a present value is checked
      if (v[name] !== undefined && v[name] !== null) check(v[name], s, at(name), out);
    }
    return;
  }
  if (!Array.isArray(v)) {
    out.push({ field, message: `must be a list, not ${typeName(v)}` });
    return;
  }
  v.forEach((x, i) => check(x, shape.items, `${field}[${i}]`, out));
}

/** What the API server would refuse in the fields the resolver reads; [] for a well-formed object or another kind. */
export function shapeProblems(obj: { kind?: unknown }): ShapeProblem[] {
  const shape = typeof obj.kind === 'string' ? shapes[obj.kind] : undefined;
  if (!shape) return [];
  const out: ShapeProblem[] = [];
  check(obj, shape, '', out);
  return out;
}
