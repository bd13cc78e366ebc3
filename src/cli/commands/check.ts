import { Option, type Command } from 'commander';
import type { Io } from '../io.js';
import type { CommandOutcome } from '../program.js';
import { outputNames } from '../output/index.js';
import { runCheck, type CheckOptions, type EngineFactory, type Ruleset } from '../check/run.js';
import { ExitCode } from '../io.js';
import { addClusterOptions, clusterUsageError, type ClusterOptions } from '../../cluster/flags.js';
import { parseManifests } from '../../manifests/parse.js';
import { applyNamespace } from '../../manifests/namespace.js';
import type { LoadResult } from '../../manifests/types.js';

interface Flags extends ClusterOptions {
  ruleset?: Ruleset;
  config?: string;
  output: string;
  summary?: boolean;
  color: boolean;
  fix?: boolean;
  diff?: boolean;
}

/**
 * `btls check [paths...|-]`: the CI command. Parsing only; the work is in src/cli/check/run.ts. `engine` is a seam
 * for tests; by default the real rule engine (src/rules/engine.ts) is used.
 */
export function register(program: Command, io: Io, outcome: CommandOutcome, engine?: EngineFactory): void {
  const cmd = program
    .command('check')
    .description('check BackendTLSPolicy manifests offline (CI): exit 0 ok, 1 something denied, 2 usage or input error')
    .argument('[paths...]', 'files, folders (recursive: *.yaml, *.yml, *.json), or - for stdin')
    .addOption(new Option('--ruleset <name>', "rule set: crd (exactly what the API server accepts) or default (crd plus the spec); default: default, or the one in --config").choices(['crd', 'default']))
    .option('--config <file>', 'rule configuration: change severities or switch rules off')
    .option('-o, --output <format>', `output format: ${outputNames.join(', ')}`, 'text')
    .option('--summary', 'text: print the summary line even when nothing is reported')
    .option('--no-color', 'never colour the text output (colour is used only on a terminal)')
    .option('--fix', "write the rule table's fixes (defaults, canonical forms) into the files, then check them; with -, print the fixed text")
    .option('--diff', 'with --fix: print a unified diff of the fixes instead of writing the files');
  addClusterOptions(cmd).action(async (paths: string[], flags: Flags) => {
      // the engine (ajv, the compiled rule table) loads only when check runs, not for other commands
      const loadEngine = engine ?? (await import('../../rules/engine.js')).loadEngine;
      const cluster: ClusterOptions = { cluster: flags.cluster, kubeconfig: flags.kubeconfig, context: flags.context, namespace: flags.namespace, allNamespaces: flags.allNamespaces };
      const options = { paths, ruleset: flags.ruleset, config: flags.config, output: flags.output, summary: flags.summary, color: flags.color, cluster };
      const usage = clusterUsageError(cluster, paths) ?? (flags.cluster && flags.fix ? '--fix writes files: it does not go with --cluster' : undefined);
      if (usage) {
        io.stderr.write(`btls check: ${usage}\n`);
        outcome.code = ExitCode.error;
        return;
      }
      if (flags.diff && !flags.fix) {
        io.stderr.write('btls check: --diff goes with --fix\n');
        outcome.code = ExitCode.error;
        return;
      }
      if (flags.fix) {
        outcome.code = await fixThenCheck(options, flags.diff === true, io, loadEngine);
        return;
      }
      outcome.code = await runCheck(options, io, loadEngine);
    });
}

/**
 * `--fix`: applies the fixes (src/fix/run.ts), then checks the fixed text like a plain `check` and returns the
 * worse exit code. With `--diff` or `-` stdout carries the diff or the fixed text, so the report goes to stderr;
 * the check then reads the fixed text from memory (with `--diff` the files are not written).
 */
async function fixThenCheck(options: CheckOptions, diffOnly: boolean, io: Io, loadEngine: EngineFactory): Promise<number> {
  if (options.paths.length === 0) return runCheck(options, io, loadEngine); // the usage error
  let engine;
  try {
    engine = loadEngine({ ruleset: options.ruleset, configFile: options.config });
  } catch (err) {
    io.stderr.write(`btls check: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.error;
  }
  const { runFix } = await import('../../fix/run.js');
  const fixed = await runFix({ paths: options.paths, diffOnly }, io, engine);
  if (!diffOnly && !options.paths.includes('-')) return Math.max(fixed.code, await runCheck(options, io, loadEngine));
  const loaded: LoadResult = { objects: [], errors: [] };
  // what could not be read or parsed was reported by the fix run already (and its exit code says so)
  for (const { file, text } of fixed.texts) for (const o of parseManifests(text, file).objects) loaded.objects.push(o);
  if (options.cluster?.namespace) applyNamespace(loaded, options.cluster.namespace);
  return Math.max(fixed.code, await runCheck(options, io, loadEngine, { loaded, report: io.stderr }));
}
