import { loadSource } from '../../cluster/source.js';
import { createLocateCache, locateField } from '../../manifests/locate.js';
import type { LoadResult, LoadedObject, SourcePosition } from '../../manifests/types.js';
import { applyMutations, fieldOfPointer } from '../../rules/patch.js';
import { dropValidatedNulls } from '../../rules/schema/nulls.js';
import type { Engine, EvaluationContext, Finding, KubeObject } from '../../rules/types.js';
import { ExitCode, type Io } from '../io.js';
import { toolVersion } from '../version.js';
import type { ClusterOptions } from '../../cluster/flags.js';
import { createOutput, type Output } from '../output/index.js';
import { buildReferenceIndex } from './references.js';
import { Tally } from './summary.js';
import type { CheckFinding, CheckResult, ObjectRef, Summary } from './types.js';

export type Ruleset = 'crd' | 'default';

/** What `btls check` was asked to do: src/cli/commands/check.ts builds it from the command line, tests directly. */
export interface CheckOptions {
  /** files, folders and `-` (stdin), in the order given */
  paths: string[];
  /** unset: the config file's rule set, else `default` */
  ruleset?: Ruleset;
  /** rule severity overrides (`--config`) */
  config?: string;
  /** output format name (see src/cli/output/index.ts); default `text` */
  output?: string;
  /** text: print the summary line even on a clean run */
  summary?: boolean;
  /** false with --no-color; colour is used only when stdout is a TTY and NO_COLOR is unset */
  color?: boolean;
  /** evaluation time for certificate validity (tests); defaults to now */
  now?: Date;
  /** read the objects from a cluster instead of `paths` (`--cluster` and kubectl's flags) */
  cluster?: ClusterOptions;
}

/** The seam between the command and the rule engine: tests may inject a small Engine. */
export type EngineFactory = (options: { ruleset?: Ruleset; configFile?: string }) => Engine;

const DEFAULT_NAMESPACE = 'default';

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function objectRef(o: KubeObject): ObjectRef {
  const ns = o.metadata?.namespace;
  return {
    apiVersion: str(o.apiVersion),
    kind: str(o.kind),
    namespace: typeof ns === 'string' && ns !== '' ? ns : DEFAULT_NAMESPACE,
    name: str(o.metadata?.name),
  };
}

/** A namespace-less object is in `default`, like kubectl; the input object itself is left untouched. */
function withNamespace(o: KubeObject): KubeObject {
  const md = o.metadata;
  if (md !== undefined && (typeof md !== 'object' || md === null || Array.isArray(md))) return o;
  if (md && typeof md.namespace === 'string' && md.namespace !== '') return o;
  return { ...o, metadata: { ...(md ?? {}), namespace: DEFAULT_NAMESPACE } };
}

const policyGroup = 'gateway.networking.k8s.io/';

/** Our kind only: a `BackendTLSPolicy` of another API group is some other CRD, context like any other object. */
export function isPolicy(o: KubeObject): boolean {
  return o.kind === 'BackendTLSPolicy' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith(policyGroup);
}

/** kubectl refuses any object without apiVersion ("error validating data: apiVersion not set"): never a pass. */
function lacksApiVersion(o: KubeObject): boolean {
  return o.kind === 'BackendTLSPolicy' && (o.apiVersion === undefined || o.apiVersion === null || o.apiVersion === '');
}

/**
 * The core of `btls check`, free of I/O: evaluates every BackendTLSPolicy of the loaded input (the other objects
 * are context: the ConfigMaps and Services become the reference index), points each finding at its field in the
 * input, and writes one result per object, then one per input error, to the output. Findings keep the engine's
 * order (the API server's). Returns the totals.
 */
export function checkLoaded(loaded: LoadResult, engine: Engine, output: Output, now: Date = new Date()): Summary {
  const tally = new Tally();
  const write = (r: CheckResult) => {
    tally.add(r);
    output.write(r);
  };
  // reference checks only when the input brings context: policies checked on their own would all miss their refs
  const hasContext = loaded.objects.some((lo) => lo.object.kind === 'ConfigMap' || lo.object.kind === 'Service');
  const context: EvaluationContext = { operation: 'CREATE', now };
  if (hasContext) context.references = buildReferenceIndex(loaded.objects);
  const cache = createLocateCache();
  const locate = (lo: LoadedObject, field: string): SourcePosition =>
    field === '<nil>' && lo.listIndex === undefined ? lo.source : locateField(lo.document, lo.listIndex, field, cache);
  const late: CheckResult[] = [];
  for (const lo of loaded.objects) {
    const object = objectRef(lo.object);
    if (lacksApiVersion(lo.object)) {
      late.push({ type: 'error', error: { source: lo.source, message: `${object.kind} ${object.namespace}/${object.name}: apiVersion not set (kubectl refuses it; write apiVersion: gateway.networking.k8s.io/v1)` } });
      continue;
    }
    const policy = isPolicy(lo.object);
    let findings: CheckFinding[] = [];
    if (policy) {
      try {
        const raw = evaluateAsAdmitted(engine, withNamespace(lo.object), context);
        if (raw.length > 0) {
          findings = raw.map((f) => ({
            source: locate(lo, f.field),
            object,
            rule: f.rule,
            field: f.field,
            message: f.message,
            severity: f.severity,
          }));
        }
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        late.push({ type: 'error', error: { source: lo.source, message: `cannot evaluate ${object.kind} ${object.namespace}/${object.name}: ${message}` } });
      }
    }
    write({ type: 'object', source: lo.source, object, policy, findings });
  }
  for (const r of late) write(r);
  for (const error of loaded.errors) write({ type: 'error', error });
  return tally.summary;
}

/**
 * What the cluster would say: the apiserver calls the mutating webhook first and validates what it returns, so
 * the rules judge the mutated object (an upper-case hostname is admitted, lower-cased). Each mutation is
 * reported as a warning at its field, because a manifest that differs from what is stored never applies as
 * "unchanged", and server-side apply of it conflicts with the stored value. Rule sets without mutations
 * (`crd`, what the apiserver alone says) judge the object as written.
 */
function evaluateAsAdmitted(engine: Engine, written: KubeObject, context: EvaluationContext): Finding[] {
  // the apiserver drops null fields while decoding, before any admission: `group: null` reaches the webhook
  // as a missing group, which it adds
  const object = dropValidatedNulls(written as Record<string, unknown>) as KubeObject;
  const ops = engine.mutate(object);
  if (ops.length === 0) return engine.evaluate(written, context);
  const changes: Finding[] = ops.map((op) => ({
    rule: op.rule ?? 'mutation',
    field: fieldOfPointer(op.path),
    message:
      `the webhook ${op.op === 'add' ? 'adds' : 'changes'} this: it stores ${'value' in op ? JSON.stringify(op.value) : 'another value'}; ` +
      'write it so (btls check --fix), or kubectl apply never reports this manifest unchanged and server-side apply conflicts',
    severity: 'warn',
    // not a StatusCause reason: no apiserver error carries it, only this report
    reason: 'Mutated',
  }));
  return [...changes, ...engine.evaluate(applyMutations(object, ops), context)];
}

/** 2 when an input could not be read or parsed, else 1 when something is denied, else 0 (warnings alone: 0). */
export function exitCode(s: Summary): number {
  if (s.errors > 0) return ExitCode.error;
  if (s.denied > 0) return ExitCode.denied;
  return ExitCode.ok;
}

const guarded = new WeakSet<object>();

/** `btls check ... | head` closes the pipe early: the rest of the report is not wanted, which is no crash. */
function ignoreClosedPipe(stream: Io['stdout']): void {
  if (typeof stream.on !== 'function' || guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

function fail(io: Io, message: string): number {
  io.stderr.write(`btls check: ${message}\n`);
  return ExitCode.error;
}

/** `btls check`: returns the exit code; never exits the process and never throws for bad input. */
export async function runCheck(options: CheckOptions, io: Io, loadEngine: EngineFactory, input?: PreloadedInput): Promise<number> {
  if (!input && options.paths.length === 0 && !options.cluster?.cluster) {
    return fail(io, 'no input: give files or folders to check, - to read stdin, or --cluster (see btls check --help)');
  }
  const stream = input?.report ?? io.stdout;
  ignoreClosedPipe(stream);
  const format = options.output ?? 'text';
  let output: Output;
  try {
    const color = options.color !== false && stream.isTTY === true && !io.env.NO_COLOR;
    output = createOutput(format, stream, { color, summary: options.summary, version: format === 'sarif' ? toolVersion() : undefined });
  } catch (err) {
    return fail(io, err instanceof Error ? err.message : String(err));
  }
  let engine: Engine;
  try {
    engine = loadEngine({ ruleset: options.ruleset, configFile: options.config });
  } catch (err) {
    return fail(io, err instanceof Error ? err.message : String(err));
  }
  const loaded = input?.loaded ?? (await loadSource(options.paths, options.cluster, io.stdin, 'check'));
  if ('error' in loaded) return fail(io, loaded.error);
  const summary = checkLoaded(loaded, engine, output, options.now);
  output.flush();
  return exitCode(summary);
}

/** Objects already read (`--fix` checks the text it fixed), and where the report goes instead of stdout. */
export interface PreloadedInput {
  loaded: LoadResult;
  report?: Io['stdout'];
}
