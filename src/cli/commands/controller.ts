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
      const parsed = await writerConfig(flags);
      if ('error' in parsed) {
        io.stderr.write(`btls controller: ${parsed.error}\n`);
        outcome.code = ExitCode.error;
        return;
      }
      // imported here: client-node alone takes ~0.8 s to load, which every other command would pay
      const [{ pino }, { serveMetrics, startController }] = await Promise.all([import('pino'), import('../../status/controller/index.js')]);
      const log = pino({ name: 'btls-status' }, io.stdout);
      const controller = startController({ ...parsed.config, logger: log });
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
