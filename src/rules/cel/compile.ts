import { parse, type ASTNode } from '@marcbachmann/cel-js';
import { rt, knownFunctions, knownMethods, type Runtime } from './runtime.js';

/**
 * Compiles a CEL expression (the dialect of CRD x-kubernetes-validations) to a JavaScript function once,
 * at start-up. The parser is @marcbachmann/cel-js; its interpreter (and @bufbuild/cel's) run 60x-360x
 * slower than plain JavaScript on these rules (bench/rules), which the webhook's latency budget cannot
 * afford, so evaluation is generated code over the error-as-value runtime in ./runtime.ts.
 */

/** Names a rule may read; the engine binds them per evaluation (the names of ValidatingAdmissionPolicy). */
export const bindings = ['self', 'oldSelf', 'object', 'oldObject', 'params', 'references', 'now'] as const;
export type Binding = (typeof bindings)[number];

export type CompiledExpression = ((vars: Partial<Record<Binding, unknown>>) => unknown) & {
  readonly source: string;
  readonly uses: ReadonlySet<Binding>;
  /** the same function with the bindings as positional arguments, in the order of `bindings` (no object per call) */
  readonly positional: (...args: unknown[]) => unknown;
};

export class CelCompileError extends Error {}

interface Scope {
  vars: Map<string, string>;
  parent?: Scope;
}

/**
 * Emits statements into the current block and returns, for each node, a cheap expression for its value.
 * Laziness of `&&`, `||`, `?:` and comprehensions comes from emitting the right-hand side inside an `if`;
 * loops are inlined, so an evaluation allocates no closures.
 */
class Generator {
  private counter = 0;
  readonly temps: string[] = [];
  private lines: string[] = [];
  readonly uses = new Set<Binding>();

  constructor(private readonly expression: string) {}

  fail(message: string): never {
    throw new CelCompileError(`${message} in CEL expression: ${this.expression}`);
  }

  temp(): string {
    const name = `t${this.counter++}`;
    this.temps.push(name);
    return name;
  }

  emit(line: string): void {
    this.lines.push(line);
  }

  /** Runs `fn` with a fresh block and returns the statements it emitted. */
  block(fn: () => void): string {
    const saved = this.lines;
    this.lines = [];
    fn();
    const out = this.lines.join(' ');
    this.lines = saved;
    return out;
  }

  code(): string {
    return this.lines.join(' ');
  }

  /** Evaluates `node` into a temporary, so the value can be read more than once. */
  toTemp(node: ASTNode, scope: Scope): string {
    const e = this.expr(node, scope);
    if (/^(t|c)\d+$/.test(e)) return e;
    const t = this.temp();
    this.emit(`${t} = ${e};`);
    return t;
  }

  lookup(scope: Scope | undefined, name: string): string | undefined {
    for (let s = scope; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v) return v;
    }
    return undefined;
  }

  expr(node: ASTNode, scope: Scope): string {
    switch (node.op) {
      case 'value':
        return this.literal(node.args);
      case 'id': {
        const local = this.lookup(scope, node.args);
        if (local) return local;
        if ((bindings as readonly string[]).includes(node.args)) {
          this.uses.add(node.args as Binding);
          return `v_${node.args}`;
        }
        return this.fail(`undeclared reference to '${node.args}'`);
      }
      case '.': {
        // fast path inline: a present field of a map; everything else (errors, absent keys) in rt.select
        const o = this.toTemp(node.args[0], scope);
        const t = this.temp();
        const k = JSON.stringify(node.args[1]);
        if (this.plainKey(node.args[1])) this.emit(`${t} = (typeof ${o} === 'object' && ${o} !== null && (${t} = ${o}[${k}]) !== undefined) ? ${t} : rt.select(${o}, ${k});`);
        else this.emit(`${t} = ${this.presentField(o, node.args[1])} ? ${o}[${k}] : rt.select(${o}, ${k});`);
        return t;
      }
      case '[]':
        return `rt.index(${this.expr(node.args[0], scope)}, ${this.expr(node.args[1], scope)})`;
      case 'list':
        return `[${node.args.map((a) => this.expr(a, scope)).join(', ')}]`;
      case 'map':
        return this.mapLiteral(node.args, scope);
      case '&&':
      case '||':
        return this.logic(node.op, node.args[0], node.args[1], scope);
      case '!_': {
        const v = this.toTemp(node.args, scope);
        return `(${v} === true ? false : ${v} === false ? true : rt.boolErr('!_', ${v}))`;
      }
      case '-_':
        return `rt.neg(${this.expr(node.args, scope)})`;
      case '?:':
        return this.conditional(node.args[0], node.args[1], node.args[2], scope);
      case '==': {
        const a = this.toTemp(node.args[0], scope);
        const b = this.toTemp(node.args[1], scope);
        return `(${a} === ${b} ? true : rt.eq(${a}, ${b}))`;
      }
      case '!=': {
        const a = this.toTemp(node.args[0], scope);
        const b = this.toTemp(node.args[1], scope);
        return `(${a} === ${b} ? false : rt.ne(${a}, ${b}))`;
      }
      case '<':
        return `rt.lt(${this.expr(node.args[0], scope)}, ${this.expr(node.args[1], scope)})`;
      case '<=':
        return `rt.le(${this.expr(node.args[0], scope)}, ${this.expr(node.args[1], scope)})`;
      case '>':
        return `rt.gt(${this.expr(node.args[0], scope)}, ${this.expr(node.args[1], scope)})`;
      case '>=':
        return `rt.ge(${this.expr(node.args[0], scope)}, ${this.expr(node.args[1], scope)})`;
      case '+':
        return `rt.add(${this.expr(node.args[0], scope)}, ${this.expr(node.args[1], scope)})`;
      case '-':
      case '*':
      case '/':
      case '%':
        return `rt.arith('${node.op}', ${this.expr(node.args[0], scope)}, ${this.expr(node.args[1], scope)})`;
      case 'in':
        return `rt.inOp(${this.expr(node.args[0], scope)}, ${this.expr(node.args[1], scope)})`;
      case 'call':
        return this.call(node.args[0], node.args[1], scope);
      case 'rcall':
        return this.method(node.args[0], node.args[1], node.args[2], scope);
      default:
        return this.fail(`unsupported operator '${(node as { op: string }).op}'`);
    }
  }

  /**
   * A test that `o` is a map holding `key`, cheap enough for the hot path. Lists and CelErrors fail
   * `hasOwn` for ordinary keys, so they need ruling out only for keys they own (`length`, digits, `message`).
   */
  presentField(o: string, key: string): string {
    const k = JSON.stringify(key);
    if (this.plainKey(key)) return `(typeof ${o} === 'object' && ${o} !== null && ${o}[${k}] !== undefined)`;
    const guard = key === 'length' || /^\d+$/.test(key) ? ` && !Array.isArray(${o})` : key === 'message' ? ` && !(${o} instanceof rt.CelError)` : '';
    return `(typeof ${o} === 'object' && ${o} !== null${guard} && Object.hasOwn(${o}, ${k}) && ${o}[${k}] !== undefined)`;
  }

  /**
   * Keys no JavaScript object, list or CelError has unless a JSON document put them there: reading them
   * needs no `hasOwn` (JSON values hold no functions, and these names are not on any prototype).
   */
  plainKey(key: string): boolean {
    return !(key in Object.prototype) && !(key in Array.prototype) && key !== 'length' && key !== 'message' && !/^\d+$/.test(key);
  }

  literal(v: unknown): string {
    if (typeof v === 'bigint') return String(Number(v));
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? 'Infinity' : v < 0 ? '-Infinity' : 'NaN';
    if (typeof v === 'string' || typeof v === 'boolean' || v === null) return JSON.stringify(v);
    if (v instanceof Uint8Array) return `new Uint8Array([${Array.from(v).join(',')}])`;
    if (typeof v === 'object' && v !== null && 'value' in v) return String(Number((v as { value: bigint }).value));
    return this.fail(`unsupported literal ${String(v)}`);
  }

  mapLiteral(entries: Array<[ASTNode, ASTNode]>, scope: Scope): string {
    const parts = entries.map(([k, v]) => `[${this.expr(k, scope)}, ${this.expr(v, scope)}]`);
    return `rt.makeMap([${parts.join(', ')}])`;
  }

  /** `&&`/`||` are commutative in CEL: an error on one side is absorbed when the other side decides. */
  logic(op: '&&' | '||', left: ASTNode, right: ASTNode, scope: Scope): string {
    const decisive = op === '&&' ? 'false' : 'true';
    const other = op === '&&' ? 'true' : 'false';
    const r = this.temp();
    this.emit(`${r} = ${this.expr(left, scope)};`);
    const rest = this.block(() => {
      const b = this.toTemp(right, scope);
      this.emit(`${r} = ${b} === ${decisive} ? ${decisive} : (${r} === ${other} && ${b} === ${other}) ? ${other} : rt.boolErr('_${op}_', ${r}, ${b});`);
    });
    this.emit(`if (${r} !== ${decisive}) { ${rest} }`);
    return r;
  }

  conditional(cond: ASTNode, yes: ASTNode, no: ASTNode, scope: Scope): string {
    const c = this.toTemp(cond, scope);
    const r = this.temp();
    const a = this.block(() => this.emit(`${r} = ${this.expr(yes, scope)};`));
    const b = this.block(() => this.emit(`${r} = ${this.expr(no, scope)};`));
    this.emit(`if (${c} === true) { ${a} } else if (${c} === false) { ${b} } else { ${r} = rt.boolErr('_?_:_', ${c}); }`);
    return r;
  }

  call(name: string, args: ASTNode[], scope: Scope): string {
    if (name === 'has') {
      const arg = args[0];
      if (args.length !== 1 || arg.op !== '.') this.fail('has() takes one field selection');
      const sel = arg as Extract<ASTNode, { op: '.' }>;
      const o = this.toTemp(sel.args[0], scope);
      return `(${this.presentField(o, sel.args[1])} ? true : rt.has(${o}, ${JSON.stringify(sel.args[1])}))`;
    }
    if (!knownFunctions().includes(name)) this.fail(`undeclared function '${name}'`);
    return `rt.functions[${JSON.stringify(name)}](${args.map((a) => this.expr(a, scope)).join(', ')})`;
  }

  method(name: string, target: ASTNode, args: ASTNode[], scope: Scope): string {
    if (['all', 'exists', 'exists_one', 'map', 'filter'].includes(name)) return this.macro(name, target, args, scope);
    if (!knownMethods().includes(name)) this.fail(`undeclared method '${name}'`);
    const parts = [this.expr(target, scope), ...args.map((a) => this.expr(a, scope))];
    return `rt.methods[${JSON.stringify(name)}](${parts.join(', ')})`;
  }

  /** Comprehensions become inline loops over the list (or the map's keys). */
  macro(name: string, target: ASTNode, args: ASTNode[], scope: Scope): string {
    const [variable, ...rest] = args;
    if (variable?.op !== 'id') this.fail(`${name}() needs a variable name as its first argument`);
    const wantArgs = name === 'map' ? [1, 2] : [1];
    if (!wantArgs.includes(rest.length)) this.fail(`${name}() takes ${wantArgs.join(' or ')} expressions after the variable`);
    const range = this.toTemp(target, scope);
    const r = this.temp();
    const items = this.temp();
    const acc = this.temp();
    const i = this.temp();
    const v = `c${this.counter++}`;
    const inner: Scope = { vars: new Map([[variable.args as string, v]]), parent: scope };
    const body = (k: number) => {
      let value = '';
      const stmts = this.block(() => {
        value = this.toTemp(rest[k], inner);
      });
      return { stmts, value };
    };
    let loop: string;
    let init: string;
    let done: string;
    switch (name) {
      case 'all':
      case 'exists': {
        const stop = name === 'all' ? 'false' : 'true';
        const { stmts, value } = body(0);
        init = `${r} = ${name === 'all' ? 'true' : 'false'}; ${acc} = undefined;`;
        loop = `${stmts} if (${value} === ${stop}) { ${r} = ${stop}; ${acc} = undefined; break; } if (${value} !== ${name === 'all' ? 'true' : 'false'}) ${acc} ??= rt.boolErr('${name}', ${value});`;
        done = `if (${acc} !== undefined) ${r} = ${acc};`;
        break;
      }
      case 'exists_one': {
        const { stmts, value } = body(0);
        init = `${acc} = 0; ${r} = undefined;`;
        loop = `${stmts} if (${value} === true) ${acc}++; else if (${value} !== false) { ${r} = rt.boolErr('exists_one', ${value}); break; }`;
        done = `if (${r} === undefined) ${r} = ${acc} === 1;`;
        break;
      }
      case 'filter': {
        const { stmts, value } = body(0);
        init = `${acc} = []; ${r} = undefined;`;
        loop = `${stmts} if (${value} === true) ${acc}.push(${v}); else if (${value} !== false) { ${r} = rt.boolErr('filter', ${value}); break; }`;
        done = `if (${r} === undefined) ${r} = ${acc};`;
        break;
      }
      default: {
        const first = body(0);
        init = `${acc} = []; ${r} = undefined;`;
        if (rest.length === 2) {
          const second = body(1);
          loop = `${first.stmts} if (${first.value} === false) continue; if (${first.value} !== true) { ${r} = rt.boolErr('map', ${first.value}); break; } ${second.stmts} if (rt.isErr(${second.value})) { ${r} = ${second.value}; break; } ${acc}.push(${second.value});`;
        } else {
          loop = `${first.stmts} if (rt.isErr(${first.value})) { ${r} = ${first.value}; break; } ${acc}.push(${first.value});`;
        }
        done = `if (${r} === undefined) ${r} = ${acc};`;
      }
    }
    this.emit(
      `if (rt.isErr(${range})) { ${r} = ${range}; } else { ${items} = Array.isArray(${range}) ? ${range} : rt.isMap(${range}) ? Object.keys(${range}) : null; ` +
        `if (${items} === null) { ${r} = rt.noOverload('${name}'); } else { ${init} ` +
        `for (${i} = 0; ${i} < ${items}.length; ${i}++) { const ${v} = ${items}[${i}]; ${loop} } ${done} } }`,
    );
    return r;
  }
}

/**
 * `variables` declares names beyond the engine's bindings (the CEL conformance tests bind their own);
 * they are read from the same vars object.
 */
export function compileCel(expression: string, variables: readonly string[] = []): CompiledExpression {
  let ast: ASTNode;
  try {
    ast = parse(expression).ast;
  } catch (err) {
    throw new CelCompileError(`cannot parse CEL expression ${JSON.stringify(expression)}: ${(err as Error).message.split('\n')[0]}`);
  }
  const gen = new Generator(expression);
  const top: Scope = { vars: new Map(variables.map((v, i) => [v, `x${i}`])) };
  const result = gen.expr(ast, top);
  const decl = gen.temps.length ? `let ${gen.temps.join(', ')};` : '';
  const params = bindings.map((b) => `v_${b}`).join(', ');
  const extra = variables.map((_, i) => `, x${i}`).join('');
  const code = `return function compiledCel(${params}${extra}) { ${decl} ${gen.code()} return ${result}; }`;
  const inner = new Function('rt', code)(rt) as (...a: unknown[]) => unknown;
  const fn = ((vars: Partial<Record<Binding, unknown>> & Record<string, unknown>) =>
    inner(vars.self, vars.oldSelf, vars.object, vars.oldObject, vars.params, vars.references, vars.now, ...variables.map((v) => vars[v]))) as CompiledExpression;
  return Object.assign(fn, { source: expression, uses: gen.uses, positional: inner });
}

export type { Runtime };
