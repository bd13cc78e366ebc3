import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import forge from 'node-forge';
import { parseManifests } from '../../src/manifests/parse.js';
import type { KubeObject } from '../../src/rules/types.js';
import type { Condition, PolicyStatus } from '../../src/status/api-types.js';
import { resolveStatus, type PolicyResult, type ResolveOptions } from '../../src/status/resolve.js';
import { snapshotFromObjects } from '../../src/status/snapshot.js';

/** Shared by the status tests: fixtures, throwaway CAs (made here, never committed), and assertions. */

export const CONTROLLER = 'btls.example.com/gateway-controller';
export const INFRA = 'gateway-conformance-infra';
export const NOW = new Date('2026-06-01T12:00:00Z');
export const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'fixtures', 'status');

export function loadFixture(...names: string[]): KubeObject[] {
  return names.flatMap((n) => {
    const file = join(fixtures, n);
    const { objects, errors } = parseManifests(readFileSync(file, 'utf8'), file);
    if (errors.length) throw new Error(`${file}: ${errors.map((e) => e.message).join('; ')}`);
    return objects.map((o) => o.object);
  });
}

let keys: forge.pki.rsa.KeyPair | undefined;

/** A self-signed CA certificate in PEM; 1024-bit RSA keeps the suite fast (the key is never used to sign traffic). */
export function makeCaPem(opts: { cn?: string; notBefore?: Date; notAfter?: Date } = {}): string {
  keys ??= forge.pki.rsa.generateKeyPair({ bits: 1024, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01' + Math.floor(Math.random() * 1e8).toString(16);
  cert.validity.notBefore = opts.notBefore ?? new Date('2026-01-01T00:00:00Z');
  cert.validity.notAfter = opts.notAfter ?? new Date('2036-01-01T00:00:00Z');
  const attrs = [{ name: 'commonName', value: opts.cn ?? 'btls test CA' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([{ name: 'basicConstraints', cA: true }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

export function configMap(name: string, data: Record<string, string> | undefined, namespace = INFRA): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, ...(data ? { data } : {}) };
}

export function options(extra: Partial<ResolveOptions> = {}): ResolveOptions {
  return { controllerName: CONTROLLER, now: NOW, ...extra };
}

export function resolveObjects(objects: KubeObject[], extra: Partial<ResolveOptions> = {}): PolicyResult[] {
  return resolveStatus(snapshotFromObjects(objects), options(extra));
}

export function statusOf(results: PolicyResult[], name: string, namespace = INFRA): PolicyStatus {
  const r = results.find((x) => x.namespace === namespace && x.name === name);
  if (!r) throw new Error(`no result for policy ${namespace}/${name}`);
  return r.status;
}

export interface Want {
  type: string;
  status: 'True' | 'False';
  reason?: string;
}

/** Our entry for an ancestor, matched by namespace and name as conformance's helper does. */
export function entryFor(status: PolicyStatus, ancestor: { name: string; namespace?: string; sectionName?: string }) {
  return status.ancestors.find(
    (a) =>
      a.controllerName === CONTROLLER &&
      a.ancestorRef.name === ancestor.name &&
      (a.ancestorRef.namespace ?? INFRA) === (ancestor.namespace ?? INFRA) &&
      (ancestor.sectionName === undefined || a.ancestorRef.sectionName === ancestor.sectionName),
  );
}

/**
 * BackendTLSPolicyMustHaveCondition from conformance/utils/kubernetes/helpers.go, offline: every entry
 * must carry the latest observedGeneration, and the ancestor's entry must have the Type/Status/Reason.
 */
export function policyMustHaveCondition(
  status: PolicyStatus,
  ancestor: { name: string; namespace?: string; sectionName?: string },
  want: Want,
  generation = 1,
): Condition {
  for (const a of status.ancestors.filter((x) => x.controllerName === CONTROLLER)) {
    for (const c of a.conditions) expect({ type: c.type, observedGeneration: c.observedGeneration }).toEqual({ type: c.type, observedGeneration: generation });
  }
  const entry = entryFor(status, ancestor);
  expect(entry).toBeDefined();
  const c = entry!.conditions.find((x) => x.type === want.type);
  expect(c && { type: c.type, status: c.status, ...(want.reason !== undefined ? { reason: c.reason } : {}) }).toEqual(want);
  return c!;
}

export const accepted: Want = { type: 'Accepted', status: 'True', reason: 'Accepted' };
export const resolvedRefs: Want = { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs' };
