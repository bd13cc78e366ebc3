import type { KubeObject } from '../../src/rules/types.js';
import { CONTROLLER } from './helpers.js';

/** Small object builders for the tables that vary one thing at a time (fixtures cover the conformance shapes). */

export const ourClass: KubeObject = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'ours' }, spec: { controllerName: CONTROLLER } };

export function gateway(name: string, namespace = 'infra', className = 'ours'): KubeObject {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name, namespace }, spec: { gatewayClassName: className, listeners: [] } };
}

export interface ParentRefIn {
  name: string;
  namespace?: string;
  sectionName?: string;
}
export interface BackendRefIn {
  name: string;
  namespace?: string;
  port?: number;
}

export function route(kind: 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute', name: string, namespace: string, parents: ParentRefIn[], backends: BackendRefIn[]): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind,
    metadata: { name, namespace },
    spec: { parentRefs: parents, rules: [{ backendRefs: backends.map((b) => ({ port: 443, ...b })) }] },
  };
}

export function service(name: string, namespace = 'apps', ports: string[] = ['https']): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports: ports.map((p, i) => ({ name: p, port: 443 + i })) } };
}

export function caMap(name: string, pem: string, namespace = 'apps'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { 'ca.crt': pem } };
}

export function policy(
  name: string,
  namespace: string,
  target: { name: string; sectionName?: string },
  validation: Record<string, unknown> = { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca' }], hostname: 'backend.example.com' },
  extra: { status?: unknown; generation?: number; creationTimestamp?: string } = {},
): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'BackendTLSPolicy',
    metadata: { name, namespace, ...(extra.generation ? { generation: extra.generation } : {}), ...(extra.creationTimestamp ? { creationTimestamp: extra.creationTimestamp } : {}) },
    spec: { targetRefs: [{ group: '', kind: 'Service', ...target }], validation },
    ...(extra.status ? { status: extra.status } : {}),
  };
}

export function referenceGrant(namespace: string, fromNamespace: string, fromKind = 'HTTPRoute', toName?: string): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'ReferenceGrant',
    metadata: { name: `from-${fromNamespace}`, namespace },
    spec: { from: [{ group: 'gateway.networking.k8s.io', kind: fromKind, namespace: fromNamespace }], to: [{ group: '', kind: 'Service', ...(toName ? { name: toName } : {}) }] },
  };
}
