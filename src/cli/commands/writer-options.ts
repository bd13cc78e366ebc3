import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { ControllerOptions } from '../../status/controller/controller.js';

/**
 * The status writer's flags, defined once: `btls controller` and `btls serve --status-writer` run the same
 * writer, so they take the same flags with the same defaults and the same checks.
 */
export interface WriterFlags {
  controllerName?: string;
  kubeconfig?: string;
  namespace?: string;
  leaderElect?: boolean;
  leaseName: string;
  leaseNamespace?: string;
  ancestorKind: 'Gateway' | 'Service';
  wellKnown: string;
  secretCa?: boolean;
  resyncSeconds: string;
}

/** option attribute names of WriterFlags, for "given without --status-writer" checks */
export const writerFlagNames = ['controllerName', 'kubeconfig', 'namespace', 'leaderElect', 'leaseName', 'leaseNamespace', 'ancestorKind', 'wellKnown', 'secretCa', 'resyncSeconds'] as const;

export function addWriterOptions(cmd: Command, opts: { controllerNameRequired: boolean }): Command {
  const name = new Option('--controller-name <name>', 'GatewayClass controllerName to act for, e.g. example.com/gateway-controller');
  if (opts.controllerNameRequired) name.makeOptionMandatory();
  return cmd
    .addOption(name)
    .option('--kubeconfig <file>', 'kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, or the in-cluster service account)')
    .option(
      '--namespace <ns>',
      "write the status of this namespace's BackendTLSPolicies only (reading its Services, ConfigMaps, ReferenceGrants); Routes, Gateways and GatewayClasses are read from every namespace, since they reach it from anywhere",
    )
    .option('--leader-elect', 'elect one writer among replicas with a coordination.k8s.io Lease')
    .option('--lease-name <name>', 'Lease name for leader election', 'btls-status-writer')
    .option('--lease-namespace <ns>', 'Lease namespace (default: the pod namespace, else btls-system)')
    .addOption(new Option('--ancestor-kind <kind>', 'write reaching Gateways, or the targeted Service, as ancestors').choices(['Gateway', 'Service']).default('Gateway'))
    .option('--well-known <names>', 'comma-separated wellKnownCACertificates values that are supported', 'System')
    .option('--secret-ca', 'also accept core Secrets (key ca.crt) as caCertificateRefs (needs RBAC to read Secrets)')
    .option('--resync-seconds <n>', `re-check every policy this often, ${MIN_RESYNC_SECONDS} to ${MAX_RESYNC_SECONDS} (no write unless something changed)`, '300');
}

/**
 * The resync period feeds setInterval: 0 or NaN would re-queue every policy on every tick (a hot loop), and
 * Node runs a delay above 2^31-1 ms after 1 ms, so both ends are refused as usage errors.
 */
export const MIN_RESYNC_SECONDS = 1;
export const MAX_RESYNC_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export function resyncError(value: string): string | undefined {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || n < MIN_RESYNC_SECONDS || n > MAX_RESYNC_SECONDS) {
    return `--resync-seconds must be a number of seconds from ${MIN_RESYNC_SECONDS} to ${MAX_RESYNC_SECONDS}, got ${JSON.stringify(value)}`;
  }
  return undefined;
}

const SA_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function podNamespace(): string | undefined {
  try {
    return readFileSync(SA_NAMESPACE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export type WriterConfig = Omit<ControllerOptions, 'logger' | 'metrics'>;

/**
 * Flags to the controller's options, or the message of a usage error. Loads the kubeconfig (client-node is
 * imported here, only by the commands that run a writer: it takes most of a second to load).
 */
export async function writerConfig(flags: WriterFlags): Promise<{ config: WriterConfig } | { error: string }> {
  if (!flags.controllerName) return { error: 'the status writer needs --controller-name' };
  const resync = resyncError(flags.resyncSeconds);
  if (resync) return { error: resync };
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    if (flags.kubeconfig) kc.loadFromFile(flags.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    return { error: `cannot load kubeconfig: ${err instanceof Error ? err.message : String(err)}` };
  }
  return {
    config: {
      kubeConfig: kc,
      controllerName: flags.controllerName,
      namespace: flags.namespace,
      ancestorKind: flags.ancestorKind,
      supportedWellKnown: flags.wellKnown.split(',').map((s) => s.trim()).filter(Boolean),
      caKinds: [{ group: '', kind: 'ConfigMap' }, ...(flags.secretCa ? [{ group: '', kind: 'Secret' }] : [])],
      leaderElection: flags.leaderElect ? { name: flags.leaseName, namespace: flags.leaseNamespace ?? podNamespace() ?? 'btls-system' } : undefined,
      timing: { resyncMs: Number(flags.resyncSeconds) * 1000 },
    },
  };
}
