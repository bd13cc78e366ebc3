import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import type { Severity } from './types.js';

/** A team's adjustments to the rule table: severities, rules switched off, and rule parameters. */
export interface RuleConfig {
  ruleset?: string;
  rules: Record<string, { severity?: Severity; enabled?: boolean }>;
  params: Record<string, unknown>;
  /** the file it was read from, for error messages */
  file?: string;
}

export const emptyConfig = (): RuleConfig => ({ rules: {}, params: {} });

export function parseRuleConfig(text: string, file: string): RuleConfig {
  let raw: unknown;
  try {
    raw = load(text);
  } catch (err) {
    throw new Error(`cannot parse config ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (raw === undefined || raw === null) return { ...emptyConfig(), file };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`config ${file}: expected a mapping with 'rules' and 'params'`);
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!['ruleset', 'rules', 'params'].includes(key)) throw new Error(`config ${file}: unknown key '${key}' (expected ruleset, rules, params)`);
  }
  const rules: RuleConfig['rules'] = {};
  for (const [id, v] of Object.entries((r.rules ?? {}) as Record<string, unknown>)) {
    if (typeof v !== 'object' || v === null) throw new Error(`config ${file}: rules.${id} must be a mapping`);
    const { severity, enabled, ...rest } = v as Record<string, unknown>;
    if (Object.keys(rest).length) throw new Error(`config ${file}: rules.${id} has unknown keys: ${Object.keys(rest).join(', ')}`);
    if (severity !== undefined && severity !== 'deny' && severity !== 'warn') {
      throw new Error(`config ${file}: rules.${id}.severity must be deny or warn`);
    }
    if (enabled !== undefined && typeof enabled !== 'boolean') throw new Error(`config ${file}: rules.${id}.enabled must be true or false`);
    rules[id] = { severity: severity as Severity | undefined, enabled: enabled as boolean | undefined };
  }
  if (r.ruleset !== undefined && typeof r.ruleset !== 'string') throw new Error(`config ${file}: ruleset must be a string`);
  if (r.params !== undefined && (typeof r.params !== 'object' || Array.isArray(r.params))) throw new Error(`config ${file}: params must be a mapping`);
  return { ruleset: r.ruleset as string | undefined, rules, params: (r.params ?? {}) as Record<string, unknown>, file };
}

export function readRuleConfig(file: string): RuleConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read config ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return parseRuleConfig(text, file);
}
