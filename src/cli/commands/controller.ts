import type { Command } from 'commander';
import { ExitCode, type Io } from '../io.js';
import type { CommandOutcome } from '../program.js';
import { addWriterOptions, writerConfig, type WriterFlags } from './writer-options.js';

interface Flags extends WriterFlags {
  metricsPort: string;
}

/** `btls controller`: run the status writer until SIGTERM/SIGINT. Wiring only; the work is in src/status/controller/. */
export function register(program: Command, io: Io, outcome: CommandOutcome): void {
  const cmd = program
    .command('controller')
    .description('run the BackendTLSPolicy status writer against a cluster (in-cluster or from a kubeconfig)');
  addWriterOptions(cmd, { controllerNameRequired: true })
    .option('--metrics-port <port>', 'serve /metrics and /healthz on this port (0: off)', '9090')
    .action(async (flags: Flags) => {
      if (!/^\d+$/.test(flags.metricsPort) || Number(flags.metricsPort) > 65535) {
        io.stderr.write(`btls controller: --metrics-port must be a number from 0 to 65535, got ${JSON.stringify(flags.metricsPort)}\n`);
        outcome.code = ExitCode.error;
        return;
      }
      const parsed = await writerConfig(flags);
      if ('error' in parsed) {
        io.stderr.write(`btls controller: ${parsed.error}\n`);
        outcome.code = ExitCode.error;
        return;
      }
      // imported here: client-node alone takes ~0.8 s to load, which every other command would pay
      const [{ pino }, { createMetrics, serveMetrics, startController }] = await Promise.all([import('pino'), import('../../status/controller/index.js')]);
      const log = pino({ name: 'btls-status' }, io.stdout);
      // the metrics port first: if it is taken, fail before the writer starts (and takes a Lease it would
      // never release, since the signal handlers below would not be installed)
      const metrics = createMetrics();
      const port = Number(flags.metricsPort);
      let server;
      try {
        server = port > 0 ? await serveMetrics(metrics.registry, port) : undefined;
      } catch (err) {
        io.stderr.write(`btls controller: cannot serve metrics on port ${port}: ${err instanceof Error ? err.message : String(err)}\n`);
        outcome.code = ExitCode.error;
        return;
      }
      let signalled: (signal: string) => void = () => {};
      const stopSignal = new Promise<string>((resolve) => (signalled = resolve));
      const onSignal = (signal: NodeJS.Signals) => signalled(signal);
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      const controller = startController({ ...parsed.config, logger: log, metrics });
      log.info({ signal: await stopSignal }, 'shutting down');
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('SIGINT', onSignal);
      await controller.stop(); // releases the Lease, so another replica takes over at once
      server?.close();
      outcome.code = ExitCode.ok;
    });
}
