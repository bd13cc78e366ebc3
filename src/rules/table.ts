import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { Severity } from './types.js';

/** One rule of the table, as written in rules/<set>/<id>.yaml. */
export interface RuleSpec {
  id: string;
  /** rule sets that include it: `crd`, `default` */
  sets: string[];
  match: { group: string; kind: string; version?: string };
  /** where it applies: `spec.validation`, `spec.targetRefs[*]` (each item), `spec.options.*` (each map value) */
  path: string;
  /** CEL that must be true (validation rules) */
  rule?: string;
  message: string;
  /** CEL returning the message, for messages that name what was found */
  messageExpression?: string;
  /** relative path reported instead of `path`, e.g. `.hostname` */
  fieldPath?: string;
  reason?: string;
  severity: Severity;
  /** how the "Invalid value" is printed: the node's type (as the apiserver does for CEL) or the node itself */
  value?: 'type' | 'self';
  valueType?: string;
  /** crd: the CRD's own rules; policy: the spec text's; references: needs other objects of the input */
  phase?: 'crd' | 'policy' | 'references';
  /** the structural keyword (required, pattern, ...) that a schema rule documents */
  keyword?: string;
  /** defaults of the `params` the rule reads; a config file may override them */
  params?: Record<string, unknown>;
  mutation?: { when?: string; field?: string; value: string };
  description?: string;
  cases?: Array<{ name: string; patch?: unknown; want: string[]; operation?: string; crdRules?: 'auto'; references?: unknown[] }>;
  /** the file it came from, for error messages */
  file: string;
}

const severities = new Set(['deny', 'warn']);

/** the reasons an x-kubernetes-validations rule may give (apiextensions FieldValueErrorReason) */
const ruleReasons = ['FieldValueInvalid', 'FieldValueForbidden', 'FieldValueRequired', 'FieldValueDuplicate'];

function fail(file: string, message: string): never {
  throw new Error(`invalid rule in ${file}: ${message}`);
}

/** Checks what the engine relies on, so a broken rule file fails at start-up with its name, not at request time. */
function checkRule(raw: unknown, file: string): RuleSpec {
  if (!raw || typeof raw !== 'object') fail(file, 'not a mapping');
  const r = raw as Record<string, unknown>;
  for (const k of ['id', 'path', 'message', 'severity']) if (typeof r[k] !== 'string') fail(file, `'${k}' must be a string`);
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(r.id as string)) fail(file, `id '${String(r.id)}' is not kebab-case`);
  if (!severities.has(r.severity as string)) fail(file, `severity must be deny or warn`);
  if (!Array.isArray(r.sets) || r.sets.some((s) => typeof s !== 'string')) fail(file, `'sets' must be a list of rule set names`);
  const m = r.match as Record<string, unknown> | undefined;
  if (!m || typeof m.group !== 'string' || typeof m.kind !== 'string') fail(file, `'match' needs group and kind`);
  if (r.rule === undefined && r.mutation === undefined && r.keyword === undefined) fail(file, 'needs a rule, a mutation or a keyword');
  if (r.reason !== undefined && !ruleReasons.includes(r.reason as string)) fail(file, `reason must be one of ${ruleReasons.join(', ')} (as in x-kubernetes-validations)`);
  return { ...(r as unknown as RuleSpec), file };
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name) && !name.startsWith('_')) out.push(p);
  }
  return out;
}

/** Reads every rule below `dir` (files starting with `_` are fixtures, not rules). Ids must be unique. */
export function loadRuleTable(dir: string): RuleSpec[] {
  const rules: RuleSpec[] = [];
  const seen = new Map<string, string>();
  for (const file of yamlFiles(dir)) {
    const rule = checkRule(load(readFileSync(file, 'utf8')), file);
    const other = seen.get(rule.id);
    if (other) fail(file, `id '${rule.id}' is also used by ${other}`);
    seen.set(rule.id, file);
    rules.push(rule);
  }
  return rules;
}
