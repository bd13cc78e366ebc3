import { Option, type Command } from 'commander';
import type { Io } from '../io.js';
import type { CommandOutcome } from '../program.js';
import { runStatus } from '../../status/cli/run.js';
import { statusOutputNames } from '../../status/cli/format.js';
import { ExitCode } from '../io.js';
import { addClusterOptions, clusterUsageError, type ClusterOptions } from '../../cluster/flags.js';

interface Flags extends ClusterOptions {
  controllerName: string;
  output: string;
  ancestorKind: 'Gateway' | 'Service';
  wellKnown: string;
  secretCa?: boolean;
}

/** `btls status`: the status the controller would write, computed offline. Parsing only; work in src/status/cli/. */
export function register(program: Command, io: Io, outcome: CommandOutcome): void {
  const cmd = program
    .command('status')
    .description('print the BackendTLSPolicy status the status writer would write for these manifests (exit 2 on input errors)')
    .argument('[paths...]', 'files, folders (recursive: *.yaml, *.yml, *.json), or - for stdin (the default)')
    .requiredOption('--controller-name <name>', 'GatewayClass controllerName to act for, e.g. example.com/gateway-controller')
    .addOption(new Option('-o, --output <format>', 'output format').choices([...statusOutputNames]).default('json'))
    .addOption(new Option('--ancestor-kind <kind>', 'write reaching Gateways, or the targeted Service, as ancestors').choices(['Gateway', 'Service']).default('Gateway'))
    .option('--well-known <names>', 'comma-separated wellKnownCACertificates values that are supported', 'System')
    .option('--secret-ca', 'also accept core Secrets (key ca.crt) as caCertificateRefs');
  addClusterOptions(cmd).action(async (paths: string[], flags: Flags) => {
      const cluster: ClusterOptions = { cluster: flags.cluster, kubeconfig: flags.kubeconfig, context: flags.context, namespace: flags.namespace, allNamespaces: flags.allNamespaces };
      const usage = clusterUsageError(cluster, paths);
      if (usage) {
        io.stderr.write(`btls status: ${usage}\n`);
        outcome.code = ExitCode.error;
        return;
      }
      outcome.code = await runStatus(
        {
          paths,
          controllerName: flags.controllerName,
          output: flags.output,
          ancestorKind: flags.ancestorKind,
          supportedWellKnown: flags.wellKnown.split(',').map((s) => s.trim()).filter(Boolean),
          caKinds: [{ group: '', kind: 'ConfigMap' }, ...(flags.secretCa ? [{ group: '', kind: 'Secret' }] : [])],
          cluster,
        },
        io,
      );
    });
}
