import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { ExitCode, type Io } from '../io.js';
import type { CommandOutcome } from '../program.js';

interface Flags {
  controllerName: string;
  kubeconfig?: string;
  namespace?: string;
  leaderElect?: boolean;
  leaseName: string;
  leaseNamespace?: string;
  metricsPort: string;
  ancestorKind: 'Gateway' | 'Service';
  wellKnown: string;
  secretCa?: boolean;
  resyncSeconds: string;
}

const SA_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function podNamespace(): string | undefined {
  try {
    return readFileSync(SA_NAMESPACE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `btls controller`: run the status writer until SIGTERM/SIGINT. Wiring only; the work is in src/status/controller/. */
export function register(program: Command, io: Io, outcome: CommandOutcome): void {
  program
    .command('controller')
    .description('run the BackendTLSPolicy status writer against a cluster (in-cluster or from a kubeconfig)')
    .requiredOption('--controller-name <name>', 'GatewayClass controllerName to act for, e.g. example.com/gateway-controller')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, or the in-cluster service account)')
    .option('--namespace <ns>', "write the status of this namespace's BackendTLSPolicies only (reading its Services, ConfigMaps, ReferenceGrants); Routes, Gateways and GatewayClasses are read from every namespace, since they reach it from anywhere")
    .option('--leader-elect', 'elect one writer among replicas with a coordination.k8s.io Lease')
    .option('--lease-name <name>', 'Lease name for leader election', 'btls-status-writer')
    .option('--lease-namespace <ns>', 'Lease namespace (default: the pod namespace, else btls-system)')
    .option('--metrics-port <port>', 'serve /metrics and /healthz on this port (0: off)', '9090')
    .addOption(new Option('--ancestor-kind <kind>', 'write reaching Gateways, or the targeted Service, as ancestors').choices(['Gateway', 'Service']).default('Gateway'))
    .option('--well-known <names>', 'comma-separated wellKnownCACertificates values that are supported', 'System')
    .option('--secret-ca', 'also accept core Secrets (key ca.crt) as caCertificateRefs (needs RBAC to read Secrets)')
    .option('--resync-seconds <n>', 're-check every policy this often (no write unless something changed)', '300')
    .action(async (flags: Flags) => {
      // imported here: client-node alone takes ~0.8 s to load, which every other command would pay
      const [{ KubeConfig }, { pino }, { serveMetrics, startController }] = await Promise.all([
        import('@kubernetes/client-node'),
        import('pino'),
        import('../../status/controller/index.js'),
      ]);
      const log = pino({ name: 'btls-status' }, io.stdout);
      const kc = new KubeConfig();
      try {
        if (flags.kubeconfig) kc.loadFromFile(flags.kubeconfig);
        else kc.loadFromDefault();
      } catch (err) {
        io.stderr.write(`btls controller: cannot load kubeconfig: ${err instanceof Error ? err.message : String(err)}\n`);
        outcome.code = ExitCode.error;
        return;
      }
      const controller = startController({
        kubeConfig: kc,
        controllerName: flags.controllerName,
        namespace: flags.namespace,
        ancestorKind: flags.ancestorKind,
        supportedWellKnown: flags.wellKnown.split(',').map((s) => s.trim()).filter(Boolean),
        caKinds: [{ group: '', kind: 'ConfigMap' }, ...(flags.secretCa ? [{ group: '', kind: 'Secret' }] : [])],
        leaderElection: flags.leaderElect ? { name: flags.leaseName, namespace: flags.leaseNamespace ?? podNamespace() ?? 'btls-system' } : undefined,
        timing: { resyncMs: Number(flags.resyncSeconds) * 1000 },
        logger: log,
      });
      const port = Number(flags.metricsPort);
      const server = port > 0 ? await serveMetrics(controller.metrics.registry, port) : undefined;
      await new Promise<void>((resolve) => {
        const done = (signal: string) => {
          log.info({ signal }, 'shutting down');
          resolve();
        };
        process.once('SIGTERM', () => done('SIGTERM'));
        process.once('SIGINT', () => done('SIGINT'));
      });
      await controller.stop(); // releases the Lease, so another replica takes over at once
      server?.close();
      outcome.code = ExitCode.ok;
    });
}
