import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCel, type CompiledExpression } from './cel/compile.js';
import { isErr } from './cel/runtime.js';
import './functions.js';
import { emptyConfig, readRuleConfig, type RuleConfig } from './config.js';
import type { CrdRulesMode } from './crd-rules-mode.js';
import { blockingReasons, fieldError, formatValue, goQuote, jsonType } from './field-errors.js';
import { metadataDecodeError, metadataRuleIds, validateMetadata } from './schema/metadata.js';
import { dropNulls, dropValidatedNulls } from './schema/nulls.js';
import { StructuralValidator, schemaRuleIds, typesOnly, type JsonSchema } from './schema/structural.js';
import { unknownFields } from './schema/unknown-fields.js';
import { wellFormed } from './schema/utf8.js';
import { loadRuleTable, type RuleSpec } from './table.js';
import { checkParams } from './params.js';
import type { Engine, EvaluationContext, Finding, JsonPatchOp, Severity } from './types.js';
import { buildPathTree, fieldOf, parseRulePath, pointerOf, walkTree, type Key, type PathTree, type TreeVisitor } from './walk.js';
import { deepEqual, ratchet } from './ratchet.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const defaultRulesDir = join(packageRoot, 'rules');
export const defaultSchemaFile = join(packageRoot, 'crd', 'backendtlspolicy-v1.schema.json');

/** Past this many findings on one object the rest are summed up: hostile input must not make huge answers. */
export const maxFindingsPerObject = 100;

export interface EngineOptions {
  ruleset?: string;
  configFile?: string;
  config?: RuleConfig;
  rulesDir?: string;
  schemaFile?: string;
  /**
   * `enforce` (the default): check the CRD's schema and CEL rules (phase `crd`) as kube-apiserver does.
   * `skip`: evaluate only the rules the CRD does not express. For a validating webhook: the apiserver has
   * validated the object against the CRD it serves before calling it, and checking a pinned copy of that
   * schema again would refuse fields and enum values of a newer Gateway API release once the cluster has it.
   * `auto`: `skip`, except for the rule set `crd`, which has nothing else to evaluate (`btls serve`'s default).
   */
  crdRules?: CrdRulesMode;
}

interface CompiledRule {
  spec: RuleSpec;
  severity: Severity;
  steps: ReturnType<typeof parseRulePath>;
  check?: CompiledExpression;
  message?: CompiledExpression;
  when?: CompiledExpression;
  value?: CompiledExpression;
  params: Record<string, unknown>;
  transition: boolean;
}

const ruleOnlyIds = {
  decode: 'crd-decode-error',
  unknownField: 'crd-unknown-field',
  servedVersion: 'crd-served-version',
  notChecked: 'crd-rules-not-checked',
  sizeCeiling: 'size-ceiling',
};

/**
 * Where the CRD's schema is not checked, its size limits are, widened this many times (typesOnly): the apiserver
 * enforces the CRD's own limits before it calls the webhook, so this only bounds what a review sent straight
 * to the webhook costs, and leaves room for a newer Gateway API to relax a limit.
 */
const SIZE_CEILING_FACTOR = 4;

function compileRule(spec: RuleSpec, config: RuleConfig): CompiledRule {
  const at = (what: string, expr: string) => {
    try {
      return compileCel(expr);
    } catch (err) {
      throw new Error(`rule ${spec.id} (${spec.file}): ${what}: ${(err as Error).message}`);
    }
  };
  const params = { ...(spec.params ?? {}) };
  for (const key of Object.keys(params)) if (Object.hasOwn(config.params, key)) params[key] = config.params[key];
  const check = spec.rule !== undefined ? at('rule', spec.rule) : undefined;
  return {
    spec,
    severity: config.rules[spec.id]?.severity ?? spec.severity,
    steps: parseRulePath(spec.path),
    check,
    message: spec.messageExpression !== undefined ? at('messageExpression', spec.messageExpression) : undefined,
    when: spec.mutation?.when !== undefined ? at('mutation.when', spec.mutation.when) : undefined,
    value: spec.mutation ? at('mutation.value', spec.mutation.value) : undefined,
    params,
    transition: Boolean(check?.uses.has('oldSelf')),
  };
}

function joinField(base: string, rel: string | undefined): string {
  if (!rel) return base || '<nil>';
  return base ? `${base}${rel.startsWith('[') ? '' : '.'}${rel.replace(/^\./, '')}` : rel.replace(/^\./, '');
}

function pick(node: unknown, rel: string | undefined): unknown {
  if (!rel) return node;
  let cur = node;
  for (const k of rel.replace(/^\./, '').split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}

class RuleEngine implements Engine {
  /** compiled only where the CRD's schema is checked */
  private readonly structural: StructuralValidator | undefined;
  /** where it is not: its types only (typesOnly), so that no rule reads a value of the wrong type */
  private readonly types: StructuralValidator | undefined;
  /** the validation rules by path, with and without those that need resolved references */
  private readonly withReferences: PathTree<RankedRule>;
  private readonly withoutReferences: PathTree<RankedRule>;
  /** in table order, each with the tree of its one path: a rule reads the object as earlier ones left it */
  private readonly mutations: Array<{ rule: CompiledRule; tree: PathTree<CompiledRule> }>;
  private readonly severityOf: (id: string, fallback: Severity) => Severity | undefined;
  private readonly match: { group: string; kind: string; version: string; served: string[] };
  private readonly groupPrefix: string;
  readonly crdRulesSkipped: boolean;

  constructor(
    readonly ruleset: string,
    private readonly schema: JsonSchema,
    meta: { group: string; kind: string; version: string; served: string[] },
    rules: RuleSpec[],
    config: RuleConfig,
    crdEnforced: boolean,
  ) {
    this.crdRulesSkipped = !crdEnforced;
    this.match = meta;
    this.groupPrefix = `${meta.group}/`;
    this.structural = crdEnforced ? new StructuralValidator(schema) : undefined;
    this.types = crdEnforced
      ? undefined
      : new StructuralValidator(typesOnly(schema, SIZE_CEILING_FACTOR), {
          ruleIds: { maxLength: ruleOnlyIds.sizeCeiling, maxItems: ruleOnlyIds.sizeCeiling, maxProperties: ruleOnlyIds.sizeCeiling },
        });
    const known = new Set(rules.map((r) => r.id));
    for (const id of Object.keys(config.rules)) {
      if (!known.has(id)) throw new Error(`config names an unknown rule '${id}'`);
    }
    const enabled = rules.filter((r) => r.sets.includes(ruleset) && config.rules[r.id]?.enabled !== false);
    const enabledIds = new Set(enabled.map((r) => r.id));
    const compiled = enabled.filter((r) => r.rule !== undefined || r.mutation !== undefined).map((r) => compileRule(r, config));
    const validations = compiled.filter((r) => r.check && (crdEnforced || r.spec.phase !== 'crd'));
    if (validations.length === 0 && !crdEnforced) {
      throw new Error(`rule set '${ruleset}' has no rules left to evaluate when the CRD's own rules are skipped`);
    }
    const tree = (rules: CompiledRule[]) => buildPathTree(rules.map((rule, rank) => ({ steps: rule.steps, item: { rule, rank } })));
    this.withReferences = tree(validations);
    this.withoutReferences = tree(validations.filter((r) => r.spec.phase !== 'references'));
    this.mutations = compiled.filter((r) => r.value).map((rule) => ({ rule, tree: buildPathTree([{ steps: rule.steps, item: rule }]) }));
    const declared = new Map(rules.map((r) => [r.id, r.severity]));
    this.severityOf = (id, fallback) => (enabledIds.has(id) ? (config.rules[id]?.severity ?? declared.get(id) ?? fallback) : undefined);
  }

  private applies(object: unknown): object is Record<string, unknown> {
    if (!object || typeof object !== 'object' || Array.isArray(object)) return false;
    const o = object as Record<string, unknown>;
    return o.kind === this.match.kind && typeof o.apiVersion === 'string' && o.apiVersion.startsWith(this.groupPrefix);
  }

  /** Schema-level findings keep the apiserver's wording; the rule table decides their severity or drops them. */
  private adjust(findings: readonly Finding[]): Finding[] {
    const out: Finding[] = [];
    for (const f of findings) {
      const severity = this.severityOf(f.rule, f.severity);
      if (severity) out.push(severity === f.severity ? f : { ...f, severity });
    }
    return out;
  }

  evaluate(raw: unknown, context: EvaluationContext = {}): Finding[] {
    if (!this.applies(raw)) return [];
    // where the CRD is checked, lone surrogates read as U+FFFD, as the apiserver's decoder makes them (values, keys
    // and so field paths); a review that came through the apiserver has none
    const input = this.structural ? (wellFormed(raw) as Record<string, unknown>) : raw;
    // the old object only on UPDATE (or where no operation is named): on CREATE there is none, whatever a caller
    // passes, so transition rules do not run and nothing is ratcheted against it
    const oldRaw = context.operation === undefined || context.operation === 'UPDATE' ? context.oldObject : undefined;
    const oldInput = this.structural && oldRaw !== undefined ? wellFormed(oldRaw) : oldRaw;
    const decodeError = metadataDecodeError(input);
    if (decodeError) {
      // an HTTP 400 while decoding: nothing else is looked at
      return this.adjust([{ rule: ruleOnlyIds.decode, field: 'metadata', message: decodeError, severity: 'deny', reason: 'FieldValueTypeInvalid' }]);
    }
    if (!this.structural) {
      // The apiserver has checked the whole schema before a validating webhook sees the object, but a mutating
      // webhook sees it first, and anyone who can reach the Service can post a review: a value of the wrong
      // type is reported as the apiserver would, and then no rule reads it (each would fail as "no such
      // overload", a misleading reason). Nulls pass the type check as absent fields (typesOnly).
      const types = this.types!.check(input);
      if (types.length > 0) {
        const adjusted = this.adjust(types);
        // an oversized value is refused on UPDATE too, unchanged or not: the rules must not read it
        const oversized = adjusted.filter((f) => f.rule === ruleOnlyIds.sizeCeiling);
        const typeFindings = ratchet(adjusted.filter((f) => f.rule !== ruleOnlyIds.sizeCeiling), input, oldInput);
        if (oversized.length > 0 || typeFindings.length > 0) return cap(this.notChecked([...oversized, ...typeFindings]));
      }
      return this.runRules(input, oldInput, [], context);
    }
    // the apiserver drops null fields before validating (a null optional field is an absent one)
    const object = dropValidatedNulls(input);
    const apiVersion = String(object.apiVersion);
    const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
    if (!this.match.served.includes(version)) {
      return this.adjust([
        fieldError.notSupported({ rule: ruleOnlyIds.servedVersion, field: 'apiVersion' }, object.apiVersion, this.match.served.map((v) => `${this.match.group}/${v}`)),
      ]);
    }
    // the strict decoder sees the JSON as sent: an unknown field with a null value is still unknown
    const unknown = unknownFields(input, this.schema);
    const adjustedUnknown = unknown.length === 0 ? [] : this.adjust(unknown.map(unknownFieldFinding));
    // the apiserver rejects unknown fields while decoding (HTTP 400), before validating anything else;
    // the default set goes on, so that its friendlier rules (e.g. same-namespace refs) are shown as well
    if (adjustedUnknown.length && this.ruleset === 'crd') return cap(adjustedUnknown);

    const oldObject = dropNulls(oldInput);
    const schema = validateMetadata(object);
    for (const f of this.structural.check(object)) schema.push(f);
    const findings = adjustedUnknown;
    if (schema.length > 0) for (const f of ratchet(this.adjust(schema), object, oldObject)) findings.push(f);
    if (findings.some((f) => blockingReasons.has(f.reason))) return cap(this.notChecked(findings));
    return this.runRules(object, oldObject, findings, context);
  }

  /** `findings` stop the CEL rules, as they stop kube-apiserver's: say so after them. */
  private notChecked(findings: Finding[]): Finding[] {
    const note = fieldError.invalidRaw({ rule: ruleOnlyIds.notChecked, field: '<nil>' }, '"null"', 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation');
    findings.push(...this.adjust([note]));
    return findings;
  }

  /** The CEL rules of the table, after the schema-level checks (or instead of them); appends to `findings`. */
  private runRules(object: Record<string, unknown>, oldObject: unknown, findings: Finding[], context: EvaluationContext): Finding[] {
    // only the certificate-validity rules read `now`, and only where references are given
    const references = context.references;
    const now = references ? (context.now ?? new Date()).toISOString() : undefined;
    const visitor = new ValidationVisitor(this, object, oldObject, references, now);
    walkTree(references ? this.withReferences : this.withoutReferences, object, oldObject, visitor);
    const found = visitor.found;
    if (found.length > 0) {
      // reported in rule order, as if each rule had walked on its own (the order kube-apiserver reports in), and
      // like that, up to the end of the first rule that takes the count over the cap (cap() says how many)
      found.sort((a, b) => a.rank - b.rank);
      let lastRank = findings.length > maxFindingsPerObject ? 0 : Infinity;
      for (const { rank, finding } of found) {
        if (rank > lastRank) break;
        findings.push(finding);
        if (findings.length > maxFindingsPerObject && lastRank === Infinity) lastRank = rank;
      }
    }
    return cap(ratchet(findings, object, oldObject));
  }

  /** @internal the visitor's way back to the engine when a rule fails */
  finding(rule: CompiledRule, node: unknown, field: string, vars: Record<string, unknown>, result: unknown): Finding {
    const spec = rule.spec;
    let message = spec.message;
    if (rule.message) {
      const m = rule.message(vars);
      if (typeof m === 'string' && m !== '') message = m;
    }
    if (isErr(result)) message = `${message} (rule could not be evaluated: ${result.message})`;
    const printed = spec.value === 'self' ? formatValue(pick(node, spec.fieldPath)) : goQuote(spec.valueType ?? jsonType(node));
    const at = { rule: spec.id, field: joinField(field, spec.fieldPath), severity: rule.severity };
    // as the apiserver words a failed x-kubernetes-validations rule by its reason (fieldErrorForReason)
    switch (spec.reason) {
      case 'FieldValueForbidden':
        return fieldError.forbidden(at, message);
      case 'FieldValueRequired':
        return fieldError.required(at, message);
      case 'FieldValueDuplicate':
        return fieldError.duplicate(at, printed);
      default:
        return fieldError.invalidRaw(at, printed, message);
    }
  }

  mutate(object: unknown): JsonPatchOp[] {
    if (!this.applies(object) || this.mutations.length === 0) return [];
    // rules read the object as earlier mutations left it: work on a copy, made only once something changes
    let working = object as Record<string, unknown>;
    let copied = false;
    const ops: JsonPatchOp[] = [];
    for (const { rule, tree } of this.mutations) {
      const m = rule.spec.mutation!;
      const pending: Array<{ keys: Array<string | number>; value: unknown }> = [];
      const visitAll = (_rules: unknown, node: unknown, _old: unknown, keys: readonly Key[]): void => {
        const vars = { self: node, object: working, params: rule.params };
        if (rule.when && rule.when(vars) !== true) return;
        const value = rule.value!(vars);
        if (isErr(value) || value === undefined) return;
        if (m.field) {
          if (!node || typeof node !== 'object' || Array.isArray(node)) return;
          const holder = node as Record<string, unknown>;
          if (Object.hasOwn(holder, m.field) && deepEqual(holder[m.field], value)) return;
          pending.push({ keys: [...keys, m.field], value });
        } else if (keys.length > 0 && !deepEqual(node, value)) {
          // a value for the node itself: not for the object as a whole
          pending.push({ keys: [...keys], value });
        }
      };
      walkTree(tree, working, undefined, { visitAll });
      if (pending.length === 0) continue;
      if (!copied) {
        working = structuredClone(working);
        copied = true;
      }
      for (const p of pending) {
        const holder = p.keys.slice(0, -1).reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, working);
        const last = p.keys[p.keys.length - 1];
        ops.push({ op: Object.hasOwn(holder, last) ? 'replace' : 'add', path: pointerOf(p.keys), value: p.value, rule: rule.spec.id });
        holder[last] = p.value;
      }
    }
    return ops;
  }
}

interface RankedRule {
  rule: CompiledRule;
  /** the rule's place among the rules of its tree, in table order: findings are reported in this order */
  rank: number;
}

/** Runs the rules of each node the path tree reaches; one per evaluation. */
class ValidationVisitor implements TreeVisitor<RankedRule> {
  readonly found: Array<{ rank: number; finding: Finding }> = [];

  constructor(
    private readonly engine: RuleEngine,
    private readonly object: Record<string, unknown>,
    private readonly oldObject: unknown,
    private readonly references: EvaluationContext['references'],
    private readonly now: string | undefined,
  ) {}

  visitAll(rules: readonly RankedRule[], node: unknown, old: unknown, keys: readonly Key[]): void {
    for (let i = 0; i < rules.length; i++) {
      const { rule, rank } = rules[i];
      if (rule.transition && old === undefined) continue;
      const result = rule.check!.positional(node, old, this.object, this.oldObject, rule.params, this.references, this.now);
      if (result === true) continue;
      const vars = { self: node, oldSelf: old, object: this.object, oldObject: this.oldObject, params: rule.params, references: this.references, now: this.now };
      this.found.push({ rank, finding: this.engine.finding(rule, node, fieldOf(keys), vars, result) });
    }
  }
}

function unknownFieldFinding(field: string): Finding {
  // the strict decoder quotes the path as it is, without escaping
  return { rule: ruleOnlyIds.unknownField, field, message: `unknown field "${field}"`, severity: 'deny', reason: 'FieldValueInvalid' };
}

function cap(findings: Finding[]): Finding[] {
  if (findings.length <= maxFindingsPerObject) return findings;
  const kept = findings.slice(0, maxFindingsPerObject);
  kept.push({
    rule: 'btls-too-many-findings',
    field: '<nil>',
    message: `Too many: ${findings.length}: only the first ${maxFindingsPerObject} errors are shown`,
    severity: 'deny',
    reason: 'FieldValueTooMany',
  });
  return kept;
}

interface SchemaFile {
  group: string;
  kind: string;
  version: string;
  served: string[];
  schema: JsonSchema;
}

const tableCache = new Map<string, RuleSpec[]>();

/** Builds the engine for a rule set: reads rules/, compiles every CEL expression once. Throws on a broken table or config. */
export function loadEngine(options: EngineOptions = {}): Engine {
  const config = options.config ?? (options.configFile ? readRuleConfig(options.configFile) : emptyConfig());
  const ruleset = options.ruleset ?? config.ruleset ?? 'default';
  const rulesDir = options.rulesDir ?? defaultRulesDir;
  let rules = tableCache.get(rulesDir);
  if (!rules) {
    rules = loadRuleTable(rulesDir);
    tableCache.set(rulesDir, rules);
  }
  checkParams(config, rules);
  const sets = new Set(rules.flatMap((r) => r.sets));
  if (!sets.has(ruleset)) throw new Error(`unknown rule set '${ruleset}' (known: ${[...sets].sort().join(', ')})`);
  const file = JSON.parse(readFileSync(options.schemaFile ?? defaultSchemaFile, 'utf8')) as SchemaFile;
  const mode = options.crdRules ?? 'enforce';
  const enforceCrd = mode === 'enforce' || (mode === 'auto' && ruleset === 'crd');
  return new RuleEngine(ruleset, file.schema, file, rules, config, enforceCrd);
}

/** Every rule id the engine reports on its own, outside the CEL rules: each must have a file in rules/. */
export const builtinRuleIds: readonly string[] = [...Object.values(schemaRuleIds), ...Object.values(ruleOnlyIds), ...metadataRuleIds];
