import type { RuleConfig } from './config.js';
import type { RuleSpec } from './table.js';

/**
 * The config's `params` are checked against the rule table before any rule runs: a rule reads them in CEL, so a
 * value of the wrong shape would not be refused, it would make the rule fail ("no such overload") on every
 * policy. The shape of each param is that of its default in the rule table: a list of mappings with the same
 * keys, a list of strings, a string... An empty list as default shows no item: its items are strings (option
 * keys, the only such param), which is what a rule compares them with.
 */
type Shape =
  | { type: 'string' | 'number' | 'boolean' }
  | { type: 'list'; item: Shape }
  | { type: 'map'; keys: Record<string, Shape> };

function shapeOf(value: unknown): Shape {
  if (Array.isArray(value)) return { type: 'list', item: value.length ? shapeOf(value[0]) : { type: 'string' } };
  if (value && typeof value === 'object') {
    return { type: 'map', keys: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)])) };
  }
  if (typeof value === 'number') return { type: 'number' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  return { type: 'string' };
}

/** `a list of {group: string, kind: string}` */
function describe(shape: Shape, article = true): string {
  const a = (s: string) => (article ? `${/^[aeiou]/.test(s) ? 'an' : 'a'} ${s}` : s);
  if (shape.type === 'list') return a(`list of ${describe(shape.item, false)}${shape.item.type === 'map' ? '' : 's'}`);
  if (shape.type === 'map') return `{${Object.entries(shape.keys).map(([k, s]) => `${k}: ${describe(s, false)}`).join(', ')}}`;
  return a(shape.type);
}

/** Where `value` first departs from `shape` and how, or undefined when it fits. */
function mismatch(value: unknown, shape: Shape, at: string): string | undefined {
  if (shape.type === 'list') {
    if (!Array.isArray(value)) return `${at} is ${kindOf(value)}`;
    for (let i = 0; i < value.length; i++) {
      const m = mismatch(value[i], shape.item, `${at}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (shape.type === 'map') {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return `${at} is ${kindOf(value)}`;
    for (const k of Object.keys(shape.keys)) if (!Object.hasOwn(value, k)) return `${at} has no '${k}'`;
    for (const [k, v] of Object.entries(value)) {
      if (!Object.hasOwn(shape.keys, k)) return `${at} has an unknown key '${k}'`;
      const m = mismatch(v, shape.keys[k], `${at}.${k}`);
      if (m) return m;
    }
    return undefined;
  }
  return typeof value === shape.type ? undefined : `${at} is ${kindOf(value)}`;
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v === 'string' ? 'a string' : `a ${typeof v}`} (${JSON.stringify(v)})`;
}

/** Throws, naming the config file, the key and what it should be, when `config.params` does not fit the rule table. */
export function checkParams(config: RuleConfig, rules: readonly RuleSpec[]): void {
  const declared = new Map<string, unknown>();
  for (const r of rules) for (const [k, v] of Object.entries(r.params ?? {})) if (!declared.has(k)) declared.set(k, v);
  const where = `config ${config.file ?? '(given inline)'}`;
  for (const [key, value] of Object.entries(config.params)) {
    if (!declared.has(key)) {
      const known = [...declared.keys()].sort().join(', ');
      throw new Error(`${where}: params.${key} is not a parameter of any rule (known: ${known || 'none'})`);
    }
    const shape = shapeOf(declared.get(key));
    const m = mismatch(value, shape, `params.${key}`);
    if (m) throw new Error(`${where}: params.${key} must be ${describe(shape)}, like the rule table's default ${JSON.stringify(declared.get(key))}; ${m}`);
  }
}
