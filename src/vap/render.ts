import type { RuleConfig } from '../rules/config.js';
import type { RuleSpec } from '../rules/table.js';
import { parseRulePath } from '../rules/walk.js';
import { NotPortable, portable } from './expression.js';

export interface VapOptions {
  ruleset: string;
  config: RuleConfig;
  /** prefix of the policy and binding names */
  name: string;
}

export interface LeftOut {
  rule: string;
  why: string;
}

export interface Rendered {
  objects: Record<string, unknown>[];
  included: string[];
  leftOut: LeftOut[];
}

interface Validation {
  expression: string;
  message: string;
  messageExpression?: string;
  reason: 'Invalid';
}

const cel = (s: string) => JSON.stringify(s);
// the comprehension variable of the generated messages; no rule of the table uses this name
const itemVar = 'btls_item';

/**
 * The CEL that applies a rule to every node its path reaches from `object`, with has() guards for the
 * optional parts. `failing` lists the nodes that break the rule (for the message), where the path has
 * at most one `[*]`.
 */
function applyAtPath(rule: RuleSpec, params: Record<string, unknown>): { expression: string; failing?: (msg: string) => string } {
  const steps = parseRulePath(rule.path);
  let counter = 0;
  const build = (i: number, acc: string): string => {
    if (i === steps.length) return portable(rule.rule!, acc, params);
    const step = steps[i];
    if (step.kind === 'key') {
      const next = `${acc}[${cel(step.key)}]`;
      const sel = /^[A-Za-z_][A-Za-z0-9_]*$/.test(step.key) ? `${acc}.${step.key}` : next;
      const guard = /^[A-Za-z_][A-Za-z0-9_]*$/.test(step.key) ? `!has(${sel})` : `!(${cel(step.key)} in ${acc})`;
      return `${guard} || (${build(i + 1, sel)})`;
    }
    const v = `x${counter++}`;
    if (step.kind === 'items') return `${acc}.all(${v}, ${build(i + 1, v)})`;
    return `${acc}.all(${v}, ${build(i + 1, `${acc}[${v}]`)})`;
  };
  const expression = build(0, 'object');
  const items = steps.filter((s) => s.kind !== 'key').length;
  if (items !== 1 || steps.some((s) => s.kind === 'values')) return { expression };
  // one [*]: the message lists the failing items
  const at = steps.findIndex((s) => s.kind === 'items');
  const listPath = 'object.' + steps.slice(0, at).map((s) => (s as { key: string }).key).join('.');
  const suffix = steps.slice(at + 1).map((s) => (s as { key: string }).key);
  const item = [itemVar, ...suffix].join('.');
  const guard = suffix.map((_, j) => `has(${[itemVar, ...suffix.slice(0, j + 1)].join('.')})`).join(' && ');
  const fails = `!(${portable(rule.rule!, item, params)})`;
  const cond = guard ? `${guard} && ${fails}` : fails;
  return { expression, failing: (msg) => `${listPath}.filter(${itemVar}, ${cond}).map(${itemVar}, ${msg}).join('; ')` };
}

const isIdent = (k: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k);
const select = (root: string, keys: string[]) => keys.reduce((acc, k) => (isIdent(k) ? `${acc}.${k}` : `${acc}[${cel(k)}]`), root);
const present = (root: string, keys: string[]) =>
  keys.map((k, i) => (isIdent(k) ? `has(${select(root, keys.slice(0, i))}.${k})` : `${cel(k)} in ${select(root, keys.slice(0, i))}`)).join(' && ');

/**
 * Ratcheting, as the webhook does it (src/rules/ratchet.ts): on UPDATE a rule does not block a value the update
 * left as it was. The value compared is the one the rule's findings correlate to: its path up to the first
 * list, as lists are atomic. Without this, a policy stored before the VAP existed could not even have its
 * finalizers removed.
 */
function unchangedOnUpdate(rule: RuleSpec): string | undefined {
  const keys: string[] = [];
  for (const step of parseRulePath(rule.path)) {
    if (step.kind !== 'key') break;
    keys.push(step.key);
  }
  if (keys.length === 0) return undefined;
  return `(oldObject != null && ${present('oldObject', keys)} && ${present('object', keys)} && ${select('object', keys)} == ${select('oldObject', keys)})`;
}

function validationFor(rule: RuleSpec, params: Record<string, unknown>): Validation {
  const applied = applyAtPath(rule, params);
  const failing = applied.failing;
  const unchanged = unchangedOnUpdate(rule);
  const expression = unchanged ? `${unchanged} || (${applied.expression})` : applied.expression;
  const v: Validation = { expression, message: `${rule.path.replace(/\[\*\]/g, '[]')}: ${rule.message}`, reason: 'Invalid' };
  if (rule.messageExpression) {
    const steps = parseRulePath(rule.path);
    if (!steps.some((s) => s.kind !== 'key')) {
      // kubectl prints only the message, so it names the field first, as the static message and the list form do
      v.messageExpression = `${cel(rule.path + ': ')} + ${portable(rule.messageExpression, 'object.' + rule.path, params)}`;
    } else if (failing) {
      const item = [itemVar, ...rule.path.replace(/^.*\[\*\]\.?/, '').split('.').filter(Boolean)].join('.');
      v.messageExpression = `${cel(rule.path.replace(/\[\*\].*$/, '') + ': ')} + ${failing(portable(rule.messageExpression, item, params))}`;
    }
  }
  return v;
}

/** ValidatingAdmissionPolicies (one denying, one warning) and their bindings for the rules that can run in-cluster. */
export function renderVap(rules: RuleSpec[], options: VapOptions): Rendered {
  const leftOut: LeftOut[] = [];
  const bySeverity: Record<'deny' | 'warn', Validation[]> = { deny: [], warn: [] };
  const included: string[] = [];
  for (const rule of rules.filter((r) => r.sets.includes(options.ruleset))) {
    const cfg = options.config.rules[rule.id];
    if (cfg?.enabled === false) {
      leftOut.push({ rule: rule.id, why: 'switched off by the config' });
      continue;
    }
    if (rule.phase === 'crd' || rule.keyword) {
      leftOut.push({ rule: rule.id, why: 'enforced by the CRD itself (schema or x-kubernetes-validations)' });
      continue;
    }
    if (rule.mutation) {
      leftOut.push({ rule: rule.id, why: 'a mutation: admission policies cannot change objects' });
      continue;
    }
    if (rule.phase === 'references') {
      leftOut.push({ rule: rule.id, why: 'reads other objects (ConfigMaps, Services): a referential check' });
      continue;
    }
    const params = { ...(rule.params ?? {}) };
    for (const k of Object.keys(params)) if (Object.hasOwn(options.config.params, k)) params[k] = options.config.params[k];
    try {
      bySeverity[cfg?.severity ?? rule.severity].push(validationFor(rule, params));
      included.push(rule.id);
    } catch (err) {
      if (!(err instanceof NotPortable)) throw err;
      leftOut.push({ rule: rule.id, why: err.message });
    }
  }
  const objects: Record<string, unknown>[] = [];
  for (const severity of ['deny', 'warn'] as const) {
    const validations = bySeverity[severity];
    if (validations.length === 0) continue;
    const name = `${options.name}-${severity}.gateway.networking.k8s.io`;
    objects.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'btls' } },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [{ apiGroups: ['gateway.networking.k8s.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['backendtlspolicies'] }],
        },
        validations,
      },
    });
    objects.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'btls' } },
      spec: { policyName: name, validationActions: severity === 'deny' ? ['Deny'] : ['Warn'] },
    });
  }
  return { objects, included, leftOut };
}
