import type { Condition, ParentReference, PolicyAncestorStatus, PolicyStatus } from './api-types.js';
import { ancestorKey, buildAncestorIndex, compareAncestors, type AncestorIndex } from './ancestors.js';
import { DEFAULT_CA_KINDS, validateCaRef, type CaKind, type RefVerdict } from './ca-bundle.js';
import { condition } from './conditions.js';
import { buildConflictIndex, policyKey, type ConflictIndex } from './conflicts.js';
import { mergeStatus } from './merge.js';
import { ConditionType, Reason } from './reasons.js';
import { namespaceOf, refsOf, type BackendTLSPolicy, type ObjectReference, type Snapshot } from './snapshot.js';

/**
 * The pure core: snapshot in, the PolicyStatus each policy should have out (already merged with what is
 * stored, so it is exactly what a writer would PUT). No I/O; the clock comes in as `now`.
 */

export type AncestorKind = 'Gateway' | 'Service';

export interface ResolveOptions {
  /** GatewayClass spec.controllerName we act for; our entries carry it */
  controllerName: string;
  /** write the reaching Gateways (default) or the targeted Service itself as the ancestor */
  ancestorKind?: AncestorKind;
  /** wellKnownCACertificates values we honour; anything else is Accepted False/Invalid */
  supportedWellKnown?: readonly string[];
  /** group/kinds a caCertificateRef may name; core ConfigMap by default */
  caKinds?: readonly CaKind[];
  /** evaluation time for certificate validity and for new lastTransitionTimes */
  now: Date;
}

export interface PolicyResult {
  namespace: string;
  name: string;
  /** merged with the stored status: what the controller writes */
  status: PolicyStatus;
  /** ancestors that did not fit in the 16 entries; the policy is unimplementable for them */
  overflow: ParentReference[];
}

export interface Resolver {
  /** `now` defaults to options.now; a long-lived resolver (the controller's) passes the current time */
  resolve(policy: BackendTLSPolicy, now?: Date): PolicyResult;
  readonly ancestors: AncestorIndex;
  readonly conflicts: ConflictIndex;
}

const DEFAULT_WELL_KNOWN = ['System'] as const;

function isServiceRef(ref: ObjectReference): boolean {
  return (ref.group ?? '') === '' && ref.kind === 'Service';
}

interface TargetState {
  ref: ObjectReference;
  problem?: { reason: string; message: string };
}

function describeTarget(ns: string, ref: ObjectReference): string {
  return `Service ${ns}/${ref.name}${ref.sectionName ? ` port ${JSON.stringify(ref.sectionName)}` : ''}`;
}

/**
 * Build once per snapshot (one pass over Routes, Gateways and policies), then resolve any subset of
 * policies: the controller and the benchmark re-resolve only what a change affects.
 */
export function createResolver(snapshot: Snapshot, options: ResolveOptions): Resolver {
  const ancestors = buildAncestorIndex(snapshot, options.controllerName);
  const conflicts = buildConflictIndex(snapshot.policies);
  const wellKnown = options.supportedWellKnown ?? DEFAULT_WELL_KNOWN;
  const caKinds = options.caKinds ?? DEFAULT_CA_KINDS;

  function targetState(policy: BackendTLSPolicy, ns: string, ref: ObjectReference): TargetState {
    const svc = snapshot.service(ns, ref.name);
    if (!svc) return { ref, problem: { reason: Reason.TargetNotFound, message: `${describeTarget(ns, ref)} not found` } };
    if (ref.sectionName && !(Array.isArray(svc.spec?.ports) ? svc.spec.ports : []).some((p) => p?.name === ref.sectionName)) {
      return { ref, problem: { reason: Reason.TargetNotFound, message: `${describeTarget(ns, ref)} not found: the Service has no port of that name` } };
    }
    const winner = conflicts.winnerOver(policy, ref);
    if (winner) {
      return { ref, problem: { reason: Reason.Conflicted, message: `BackendTLSPolicy ${policyKey(winner)} takes precedence for ${describeTarget(ns, ref)}` } };
    }
    return { ref };
  }

  function resolve(policy: BackendTLSPolicy, now: Date = options.now): PolicyResult {
    const ns = namespaceOf(policy);
    // the API server sets generation 1 on create; manifests read offline have none yet
    const generation = policy.metadata.generation ?? 1;
    const targets = refsOf(policy.spec?.targetRefs).filter(isServiceRef).map((ref) => targetState(policy, ns, ref));

    // which targets reach each ancestor
    const reach = new Map<string, { ref: ParentReference; targets: TargetState[] }>();
    for (const t of targets) {
      const refs: readonly ParentReference[] =
        options.ancestorKind === 'Service'
          ? [{ group: '', kind: 'Service', namespace: ns, name: t.ref.name, ...(t.ref.sectionName ? { sectionName: t.ref.sectionName } : {}) }]
          : ancestors.gatewaysFor(ns, t.ref.name);
      for (const a of refs) {
        const k = ancestorKey(a);
        const r = reach.get(k);
        if (r) r.targets.push(t);
        else reach.set(k, { ref: a, targets: [t] });
      }
    }

    const validation = (typeof policy.spec?.validation === 'object' && policy.spec.validation) || {};
    const caRefs = refsOf(validation.caCertificateRefs);
    const verdicts: { ref: ObjectReference; v: RefVerdict }[] = caRefs.map((ref) => ({
      ref,
      v: validateCaRef(ref, ns, snapshot, caKinds, now),
    }));
    const failures = verdicts.filter((x): x is { ref: ObjectReference; v: Extract<RefVerdict, { ok: false }> } => !x.v.ok);

    const resolvedRefs: Condition =
      failures.length > 0
        ? condition(ConditionType.ResolvedRefs, false, failures[0]!.v.reason, `invalid caCertificateRefs: ${failures.map((f) => f.v.message).join('; ')}`, generation, now)
        : caRefs.length > 0
          ? condition(ConditionType.ResolvedRefs, true, Reason.ResolvedRefs, `all ${caRefs.length} caCertificateRefs resolve to valid CA certificates`, generation, now)
          : condition(ConditionType.ResolvedRefs, true, Reason.ResolvedRefs, 'no caCertificateRefs to resolve', generation, now);

    const policyWide = (): { reason: string; message: string } | undefined => {
      const wk = validation.wellKnownCACertificates;
      if (wk && !wellKnown.includes(wk)) {
        return { reason: Reason.Invalid, message: `wellKnownCACertificates ${JSON.stringify(wk)} is not supported (supported: ${wellKnown.join(', ') || 'none'})` };
      }
      if (!wk && caRefs.length === 0) return { reason: Reason.Invalid, message: 'neither caCertificateRefs nor wellKnownCACertificates is set' };
      if (caRefs.length > 0 && failures.length === caRefs.length) {
        return { reason: Reason.NoValidCACertificate, message: `no valid CA certificate: ${failures.map((f) => f.v.message).join('; ')}` };
      }
      return undefined;
    };

    const entries: PolicyAncestorStatus[] = [...reach.values()]
      .sort((a, b) => compareAncestors(a.ref, b.ref))
      .map(({ ref, targets: ts }) => {
        // table order of the contract: TargetNotFound, Conflicted, Invalid, NoValidCACertificate, Accepted
        const problem =
          ts.find((t) => t.problem?.reason === Reason.TargetNotFound)?.problem ??
          ts.find((t) => t.problem?.reason === Reason.Conflicted)?.problem ??
          policyWide();
        const accepted = problem
          ? condition(ConditionType.Accepted, false, problem.reason, problem.message, generation, now)
          : condition(ConditionType.Accepted, true, Reason.Accepted, 'the policy is accepted', generation, now);
        return { ancestorRef: ref, controllerName: options.controllerName, conditions: [accepted, resolvedRefs] };
      });

    const merged = mergeStatus(policy.status, entries, options.controllerName);
    return { namespace: ns, name: policy.metadata.name, status: merged.status, overflow: merged.overflow };
  }

  return { resolve, ancestors, conflicts };
}

function compareKeys(a: PolicyResult, b: PolicyResult): number {
  return a.namespace !== b.namespace ? (a.namespace < b.namespace ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Every policy's status (or only those whose `namespace/name` is in `only`), sorted by namespace/name. */
export function resolveStatus(snapshot: Snapshot, options: ResolveOptions, only?: ReadonlySet<string>): PolicyResult[] {
  const resolver = createResolver(snapshot, options);
  return snapshot.policies
    .filter((p) => !only || only.has(policyKey(p)))
    .map((p) => resolver.resolve(p))
    .sort(compareKeys);
}
