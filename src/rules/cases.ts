import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { RuleSpec } from './table.js';
import type { KubeObject } from './types.js';

/** RFC 7386 JSON merge patch: how a case states the one thing it changes in the known-good object. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export interface RuleCase {
  rule: string;
  name: string;
  object: KubeObject;
  want: string[];
  ruleset: string;
  /** the engine's --crd-rules mode for this case (default: enforce) */
  crdRules?: 'auto';
  references?: KubeObject[];
}

/** Every case of the table: inline `cases` of hand-written rules and rules/_crd-cases.yaml for generated ones. */
export function loadCases(rulesDir: string, rules: RuleSpec[]): RuleCase[] {
  const base = load(readFileSync(join(rulesDir, '_base.yaml'), 'utf8')) as KubeObject;
  const generated = (load(readFileSync(join(rulesDir, '_crd-cases.yaml'), 'utf8')) ?? {}) as Record<string, RuleSpec['cases']>;
  const out: RuleCase[] = [];
  for (const rule of rules) {
    for (const c of [...(rule.cases ?? []), ...(generated[rule.id] ?? [])]) {
      const raw = c as { name: string; patch?: unknown; want: string[]; ruleset?: string; crdRules?: 'auto'; references?: KubeObject[] };
      out.push({
        rule: rule.id,
        name: raw.name,
        object: mergePatch(base, raw.patch ?? {}) as KubeObject,
        want: raw.want,
        ruleset: raw.ruleset ?? (rule.sets.includes('default') ? 'default' : rule.sets[0]),
        references: raw.references,
        ...(raw.crdRules ? { crdRules: raw.crdRules } : {}),
      });
    }
  }
  return out;
}
