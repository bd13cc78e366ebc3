import { loadSource } from '../../cluster/source.js';
import { ExitCode, type Io } from '../../cli/io.js';
import type { CaKind } from '../ca-bundle.js';
import { resolveStatus, type AncestorKind } from '../resolve.js';
import { snapshotFromObjects } from '../snapshot.js';
import { formatComparison, formatResults, statusOutputNames, type StatusOutput } from './format.js';
import { statusEqual } from '../equal.js';
import type { ClusterOptions } from '../../cluster/flags.js';
import { createLocateCache, locateField } from '../../manifests/locate.js';
import { shapeProblems } from '../shape.js';

export interface StatusConfig {
  paths: string[];
  controllerName: string;
  output: string;
  ancestorKind: AncestorKind;
  supportedWellKnown: string[];
  caKinds: CaKind[];
  now?: Date;
  /** read the objects from a cluster and show the stored status beside the computed one */
  cluster?: ClusterOptions;
}

/**
 * `btls status`: read manifests as `btls check` does, resolve, print. Exit 0 when the status was computed,
 * 2 on unreadable or unparsable input (each error as file:line:column, never a stack trace). An object the API
 * server would refuse (a field the resolver reads has the wrong type) is reported the same way and left
 * out; the others still get their status, and the exit code is 2.
 */
export async function runStatus(config: StatusConfig, io: Io): Promise<number> {
  if (!(statusOutputNames as readonly string[]).includes(config.output)) {
    io.stderr.write(`btls status: unknown output ${JSON.stringify(config.output)} (use one of: ${statusOutputNames.join(', ')})\n`);
    return ExitCode.error;
  }
  const loaded = await loadSource(config.paths.length ? config.paths : ['-'], config.cluster, io.stdin, 'status');
  if ('error' in loaded) {
    io.stderr.write(`btls status: ${loaded.error}\n`);
    return ExitCode.error;
  }
  const { objects, errors } = loaded;
  if (errors.length) {
    for (const e of errors) io.stderr.write(`${e.source.file}:${e.source.line}:${e.source.column}: ${e.message}\n`);
    return ExitCode.error;
  }
  const locate = createLocateCache();
  const wellFormed = objects.filter((o) => {
    const problems = shapeProblems(o.object);
    const name = `${o.object.kind} ${o.object.metadata?.namespace ?? 'default'}/${String(o.object.metadata?.name)}`;
    for (const p of problems) {
      const at = locateField(o.document, o.listIndex, p.field, locate);
      io.stderr.write(`${at.file}:${at.line}:${at.column}: error: ${name}: ${p.field} ${p.message}; the API server would not store it, so it is left out\n`);
    }
    return problems.length === 0;
  });
  const code = wellFormed.length === objects.length ? ExitCode.ok : ExitCode.error;
  const snapshot = snapshotFromObjects(wellFormed.map((o) => o.object));
  const results = resolveStatus(snapshot, {
    controllerName: config.controllerName,
    ancestorKind: config.ancestorKind,
    supportedWellKnown: config.supportedWellKnown,
    caKinds: config.caKinds,
    now: config.now ?? new Date(),
  });
  if (config.cluster?.cluster) {
    const stored = new Map(
      objects
        .filter((o) => o.object.kind === 'BackendTLSPolicy')
        .map((o) => [`${o.object.metadata?.namespace ?? 'default'}/${o.object.metadata?.name}`, o.object.status] as const),
    );
    io.stdout.write(formatComparison(results, stored, (c, s) => statusEqual(c, s as never), config.output as StatusOutput, config.controllerName));
    return code;
  }
  io.stdout.write(formatResults(results, config.output as StatusOutput, config.controllerName));
  return code;
}
