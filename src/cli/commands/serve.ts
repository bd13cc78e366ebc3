import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode, type Io } from '../io.js';
import type { CommandOutcome } from '../program.js';
import type { Engine } from '../../rules/types.js';
import { DEFAULT_MAX_CONNECTIONS } from '../../server/defaults.js';
// values only: the engine module itself is imported when the server starts
import { crdRulesModes, type CrdRulesMode } from '../../rules/crd-rules-mode.js';
import { addWriterOptions, writerConfig, writerFlagNames, type WriterConfig, type WriterFlags } from './writer-options.js';

interface RawOptions {
  port: string;
  host: string;
  tlsCert?: string;
  tlsKey?: string;
  config?: string;
  ruleset?: string;
  crdRules: string;
  shutdownDelay: string;
  maxConnections: string;
  logLevel: string;
}

export interface ServeConfig {
  host: string;
  port: number;
  /** both set, or neither (then the dev certificates under `devCertsDir` are used, made on first start) */
  tls?: { certFile: string; keyFile: string };
  devCertsDir: string;
  configFile?: string;
  ruleset?: 'crd' | 'default';
  crdRules: CrdRulesMode;
  shutdownDelayMs: number;
  maxConnections: number;
  logLevel: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Pure: flags to config, or the message of a usage error. Paths are resolved against `cwd`. */
export function parseServeOptions(raw: RawOptions, cwd: string): { config: ServeConfig } | { error: string } {
  if (!/^\d+$/.test(raw.port) || Number(raw.port) > 65535) return { error: `--port must be a number from 0 to 65535, got "${raw.port}"` };
  if ((raw.tlsCert === undefined) !== (raw.tlsKey === undefined)) {
    return { error: '--tls-cert and --tls-key go together (or leave both out to use the dev certificates under certs/)' };
  }
  if (raw.ruleset !== undefined && raw.ruleset !== 'crd' && raw.ruleset !== 'default') {
    return { error: `--ruleset must be "crd" or "default", got "${raw.ruleset}"` };
  }
  if (!crdRulesModes.includes(raw.crdRules as CrdRulesMode)) {
    return { error: `--crd-rules must be one of ${crdRulesModes.join(', ')}, got "${raw.crdRules}"` };
  }
  if (!/^\d+(\.\d+)?$/.test(raw.shutdownDelay)) return { error: `--shutdown-delay must be a number of seconds, got "${raw.shutdownDelay}"` };
  if (!/^[1-9]\d{0,6}$/.test(raw.maxConnections)) return { error: `--max-connections must be a number from 1 to 9999999, got "${raw.maxConnections}"` };
  if (!LOG_LEVELS.includes(raw.logLevel)) return { error: `--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${raw.logLevel}"` };
  return {
    config: {
      host: raw.host,
      port: Number(raw.port),
      ...(raw.tlsCert !== undefined && raw.tlsKey !== undefined
        ? { tls: { certFile: resolve(cwd, raw.tlsCert), keyFile: resolve(cwd, raw.tlsKey) } }
        : {}),
      devCertsDir: join(cwd, 'certs'),
      ...(raw.config !== undefined ? { configFile: resolve(cwd, raw.config) } : {}),
      ...(raw.ruleset !== undefined ? { ruleset: raw.ruleset } : {}),
      crdRules: raw.crdRules as CrdRulesMode,
      shutdownDelayMs: Math.round(Number(raw.shutdownDelay) * 1000),
      maxConnections: Number(raw.maxConnections),
      logLevel: raw.logLevel,
    },
  };
}

export function register(program: Command, io: Io, outcome: CommandOutcome): void {
  const cmd = program
    .command('serve')
    .description('run the admission webhook (POST /validate, POST /mutate) over HTTPS')
    .option('--port <port>', 'port to listen on', '8443')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--tls-cert <file>', 'serving certificate (PEM); reloaded when it changes')
    .option('--tls-key <file>', 'private key of the serving certificate (PEM)')
    .option('--config <file>', 'rule configuration (the one `btls check` reads)')
    .option('--ruleset <name>', 'rule set: crd (what the API server checks) or default (crd plus the spec rules)')
    .option(
      '--crd-rules <mode>',
      "the CRD's own schema and CEL rules: auto (skip them, since the API server has checked the object against the CRD it serves before calling the webhook; enforce them for --ruleset crd), enforce, or skip",
      'auto',
    )
    .option('--shutdown-delay <seconds>', 'on SIGTERM, fail /readyz this long before closing (endpoint propagation)', '0')
    .option('--max-connections <n>', 'open connections at once; past it new ones are closed at accept', String(DEFAULT_MAX_CONNECTIONS))
    .option('--log-level <level>', `log level (${LOG_LEVELS.join(', ')})`, 'info')
    .option('--status-writer', 'also run the BackendTLSPolicy status writer in this process (the flags of `btls controller` below; its metrics on /metrics)');
  addWriterOptions(cmd, { controllerNameRequired: false }).action(async (raw: RawOptions & WriterFlags & { statusWriter?: boolean }) => {
    // the writer's flags alone would be ignored silently: say so instead
    const stray = writerFlagNames.filter((k) => cmd.getOptionValueSource(k) === 'cli');
    if (!raw.statusWriter && stray.length) {
      io.stderr.write(`btls serve: ${stray.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} go with --status-writer\n`);
      outcome.code = ExitCode.error;
      return;
    }
    let writer: WriterConfig | undefined;
    if (raw.statusWriter) {
      const parsed = await writerConfig(raw);
      if ('error' in parsed) {
        io.stderr.write(`btls serve: --status-writer: ${parsed.error}\n`);
        outcome.code = ExitCode.error;
        return;
      }
      writer = parsed.config;
    }
    outcome.code = await serve(raw, io, writer);
  });
}

async function serve(raw: RawOptions, io: Io, writer?: WriterConfig): Promise<number> {
  const parsed = parseServeOptions(raw, io.cwd);
  if ('error' in parsed) {
    io.stderr.write(`btls serve: ${parsed.error}\n`);
    return ExitCode.error;
  }
  const config = parsed.config;
  // imported here: Fastify, pino and the engine cost ~0.3 s to load, which the other commands need not pay
  const [{ ensureDevCerts }, { loadEngine }, { createLogger }, { startServer }] = await Promise.all([
    import('../../certs/files.js'),
    import('../../rules/engine.js'),
    import('../../server/logger.js'),
    import('../../server/main.js'),
  ]);

  let engine: Engine;
  try {
    engine = loadEngine({
      ...(config.ruleset !== undefined ? { ruleset: config.ruleset } : {}),
      ...(config.configFile !== undefined ? { configFile: config.configFile } : {}),
      crdRules: config.crdRules,
    });
  } catch (err) {
    io.stderr.write(`btls serve: cannot load the rules: ${(err as Error).message}\n`);
    return ExitCode.error;
  }

  let tls = config.tls;
  let caFile: string | undefined;
  if (!tls) {
    try {
      const dev = ensureDevCerts(config.devCertsDir);
      tls = { certFile: dev.certFile, keyFile: dev.keyFile };
      caFile = dev.caFile;
      io.stderr.write(
        dev.created
          ? `created a dev CA and a serving certificate for localhost, 127.0.0.1 and ::1 in ${shown(io, config.devCertsDir)}/ (${dev.reason ?? 'first start'})\n`
          : `using the dev certificates in ${shown(io, config.devCertsDir)}/ (valid until ${dev.notAfter.toISOString()})\n`,
      );
    } catch (err) {
      io.stderr.write(`btls serve: cannot create the dev certificates in ${config.devCertsDir}: ${(err as Error).message}\n`);
      return ExitCode.error;
    }
  }

  const logger = createLogger({ level: config.logLevel, ...(io.stdout === process.stdout ? {} : { stream: io.stdout }) });
  // with --status-writer, one registry: the writer's btls_status_* metrics are on the webhook's /metrics
  const metrics = writer ? (await import('../../server/metrics.js')).createMetrics() : undefined;
  let server;
  try {
    server = await startServer({
      engine,
      tls,
      logger,
      ...(metrics ? { metrics } : {}),
      host: config.host,
      port: config.port,
      shutdownDelayMs: config.shutdownDelayMs,
      maxConnections: config.maxConnections,
      handleSignals: true,
    });
  } catch (err) {
    io.stderr.write(`btls serve: ${(err as Error).message}\n`);
    return ExitCode.error;
  }

  const curlHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : server.url.replace(/^https:\/\/|:\d+$/g, '');
  const base = `https://${curlHost}:${server.port}`;
  const cacert = caFile !== undefined ? shown(io, caFile) : '<the CA that signed your certificate>';
  io.stderr.write(
    [
      `btls webhook serving ${server.url} (rule set ${engine.ruleset}${engine.crdRulesSkipped ? ", the CRD's own rules left to the API server" : ''}): POST /validate, POST /mutate, GET /healthz, /readyz, /metrics`,
      // the dev CA's certificate (public): what a client, or a webhook configuration's caBundle, must trust
      ...(caFile !== undefined
        ? [`CA bundle: ${cacert} (for a webhook's caBundle, base64: ${shown(io, join(config.devCertsDir, 'ca-bundle.b64'))})`, readFileSync(caFile, 'utf8').trimEnd()]
        : []),
      `try: curl --cacert ${cacert} -H 'Content-Type: application/json' --data @examples/review-denied.json ${base}/validate`,
      '',
    ].join('\n'),
  );
  // started once the webhook listens (a port in use stops everything before the writer takes a Lease); the
  // webhook's readiness does not wait for the writer's caches: admission never depends on them
  const stopWriter = writer ? await startWriter(writer, logger, metrics!.registry) : undefined;
  await server.closed;
  await stopWriter?.();
  logger.flush();
  return ExitCode.ok;
}

/**
 * The status writer beside the webhook: on SIGTERM/SIGINT it stops at once (releasing its Lease, so another
 * replica writes on) while the webhook drains for --shutdown-delay. Resolves to "stop and wait for it".
 */
async function startWriter(config: WriterConfig, logger: import('pino').Logger, registry: import('prom-client').Registry): Promise<() => Promise<void>> {
  const { createMetrics, startController } = await import('../../status/controller/index.js');
  const controller = startController({ ...config, logger: logger.child({ component: 'status-writer' }), metrics: createMetrics(registry) });
  let stopping: Promise<void> | undefined;
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
  const stop = (): Promise<void> => {
    for (const s of signals) process.removeListener(s, stop);
    return (stopping ??= controller.stop());
  };
  for (const s of signals) process.on(s, stop);
  return stop;
}

function shown(io: Io, path: string): string {
  const rel = relative(io.cwd, path);
  return rel !== '' && !rel.startsWith('..') ? rel : path;
}
