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
};

export class CelCompileError extends Error {}

interface Scope {
  temps: string[];
  vars: Map<string, string>;
  parent?: Scope;
}

class Generator {
  private counter = 0;
  readonly uses = new Set<Binding>();

  constructor(private readonly expression: string) {}

  fail(message: string): never {
    throw new CelCompileError(`${message} in CEL expression: ${this.expression}`);
  }

  temp(scope: Scope): string {
    const name = `t${this.counter++}`;
    scope.temps.push(name);
    return name;
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
      case '.':
        return `rt.select(${this.expr(node.args[0], scope)}, ${JSON.stringify(node.args[1])})`;
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
        const t = this.temp(scope);
        return `((${t} = ${this.expr(node.args, scope)}) === true ? false : ${t} === false ? true : rt.boolErr('!_', ${t}))`;
      }
      case '-_':
        return `rt.neg(${this.expr(node.args, scope)})`;
      case '?:': {
        const t = this.temp(scope);
        const [c, a, b] = node.args;
        return `((${t} = ${this.expr(c, scope)}) === true ? ${this.expr(a, scope)} : ${t} === false ? ${this.expr(b, scope)} : rt.boolErr('_?_:_', ${t}))`;
      }
      case '==':
        return `rt.eq(${this.expr(node.args[0], scope)}, ${this.expr(node.args[1], scope)})`;
      case '!=':
        return `rt.ne(${this.expr(node.args[0], scope)}, ${this.expr(node.args[1], scope)})`;
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
    const a = this.temp(scope);
    const b = this.temp(scope);
    return (
      `((${a} = ${this.expr(left, scope)}) === ${decisive} ? ${decisive} : ` +
      `(${b} = ${this.expr(right, scope)}) === ${decisive} ? ${decisive} : ` +
      `(${a} === ${other} && ${b} === ${other}) ? ${other} : rt.boolErr('_${op}_', ${a}, ${b}))`
    );
  }

  call(name: string, args: ASTNode[], scope: Scope): string {
    if (name === 'has') {
      const arg = args[0];
      if (args.length !== 1 || arg.op !== '.') this.fail('has() takes one field selection');
      const sel = arg as Extract<ASTNode, { op: '.' }>;
      return `rt.has(${this.expr(sel.args[0], scope)}, ${JSON.stringify(sel.args[1])})`;
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

  /** Comprehensions become loops in their own arrow function, with their own temporaries. */
  macro(name: string, target: ASTNode, args: ASTNode[], scope: Scope): string {
    const [variable, ...rest] = args;
    if (variable?.op !== 'id') this.fail(`${name}() needs a variable name as its first argument`);
    const wantArgs = name === 'map' ? [1, 2] : [1];
    if (!wantArgs.includes(rest.length)) this.fail(`${name}() takes ${wantArgs.join(' or ')} expressions after the variable`);
    const range = this.expr(target, scope);
    const inner: Scope = { temps: [], vars: new Map(), parent: scope };
    const v = `c${this.counter++}`;
    inner.vars.set(variable.args as string, v);
    const bodies = rest.map((r) => this.expr(r, inner));
    const decl = inner.temps.length ? `let ${inner.temps.join(', ')}; ` : '';
    const head =
      `((r) => { ${decl}if (rt.isErr(r)) return r; ` +
      `const items = Array.isArray(r) ? r : rt.isMap(r) ? Object.keys(r) : null; ` +
      `if (items === null) return rt.noOverload('${name}'); `;
    switch (name) {
      case 'all':
        return `${head}let err; for (const ${v} of items) { const x = ${bodies[0]}; if (x === false) return false; if (x !== true) err ??= rt.boolErr('all', x); } return err ?? true; })(${range})`;
      case 'exists':
        return `${head}let err; for (const ${v} of items) { const x = ${bodies[0]}; if (x === true) return true; if (x !== false) err ??= rt.boolErr('exists', x); } return err ?? false; })(${range})`;
      case 'exists_one':
        return `${head}let n = 0; for (const ${v} of items) { const x = ${bodies[0]}; if (x === true) n++; else if (x !== false) return rt.boolErr('exists_one', x); } return n === 1; })(${range})`;
      case 'filter':
        return `${head}const out = []; for (const ${v} of items) { const x = ${bodies[0]}; if (x === true) out.push(${v}); else if (x !== false) return rt.boolErr('filter', x); } return out; })(${range})`;
      default:
        if (bodies.length === 2) {
          return `${head}const out = []; for (const ${v} of items) { const k = ${bodies[0]}; if (k === false) continue; if (k !== true) return rt.boolErr('map', k); const x = ${bodies[1]}; if (rt.isErr(x)) return x; out.push(x); } return out; })(${range})`;
        }
        return `${head}const out = []; for (const ${v} of items) { const x = ${bodies[0]}; if (rt.isErr(x)) return x; out.push(x); } return out; })(${range})`;
    }
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
  const top: Scope = { temps: [], vars: new Map(variables.map((v, i) => [v, `x${i}`])) };
  const body = gen.expr(ast, top);
  const decl = top.temps.length ? `let ${top.temps.join(', ')};` : '';
  const params = bindings.map((b) => `v_${b}`).join(', ');
  const extra = variables.map((_, i) => `, x${i}`).join('');
  const code = `return function compiledCel(${params}${extra}) { ${decl} return ${body}; }`;
  const inner = new Function('rt', code)(rt) as (...a: unknown[]) => unknown;
  const fn = ((vars: Partial<Record<Binding, unknown>> & Record<string, unknown>) =>
    inner(vars.self, vars.oldSelf, vars.object, vars.oldObject, vars.params, vars.references, vars.now, ...variables.map((v) => vars[v]))) as CompiledExpression;
  return Object.assign(fn, { source: expression, uses: gen.uses, positional: inner });
}

export type { Runtime };
