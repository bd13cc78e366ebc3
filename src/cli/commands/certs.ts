import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ExitCode, type Io } from '../io.js';
import type { CommandOutcome } from '../program.js';
import { caBundle, certificateInfo, createCA, createServingCert } from '../../certs/pki.js';
import { writePki } from '../../certs/files.js';
import { isNamespaceName, isServiceName, servingNames, type ServingNames } from '../../certs/names.js';
import { renderWebhooks, type WebhookEndpoint } from '../../certs/webhooks.js';

/** The webhook configurations shipped with btls (src/cli/commands and dist/cli/commands sit at the same depth). */
const PACKAGED_WEBHOOKS = fileURLToPath(new URL('../../../manifests/base/webhooks.yaml', import.meta.url));
const MAX_DAYS = 3650;

interface RawOptions {
  service?: string;
  namespace?: string;
  san: string[];
  url?: string;
  out: string;
  days: string;
  renderWebhooks?: string;
  from?: string;
}

export interface CertsConfig {
  names: ServingNames;
  endpoint: WebhookEndpoint;
  outDir: string;
  days: number;
  /** A file path, '-' for stdout, or undefined for no rendering. */
  renderTo?: string;
  templateFile: string;
}

/** Pure: flags to config, or the message of a usage error. Paths are resolved against `cwd`. */
export function parseCertsOptions(raw: RawOptions, cwd: string): { config: CertsConfig } | { error: string } {
  const { service, namespace } = raw;
  if ((service === undefined) !== (namespace === undefined)) {
    return { error: '--service and --namespace go together' };
  }
  if (service === undefined && raw.url === undefined) {
    return { error: 'give --service NAME --namespace NS (webhook behind a Service) or --url https://HOST:PORT' };
  }
  if (service !== undefined && !isServiceName(service)) {
    return { error: `--service "${service}" is not a valid Service name (lower-case letters, digits, '-', at most 63)` };
  }
  if (namespace !== undefined && !isNamespaceName(namespace)) {
    return { error: `--namespace "${namespace}" is not a valid namespace name (lower-case letters, digits, '-', at most 63)` };
  }
  let url: URL | undefined;
  if (raw.url !== undefined) {
    try {
      url = new URL(raw.url);
    } catch {
      return { error: `--url "${raw.url}" is not a URL` };
    }
    // the apiserver's own rules for clientConfig.url: https, no user info, no query, no fragment
    if (url.protocol !== 'https:') return { error: `--url must use https, got ${url.protocol}` };
    if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
      return { error: '--url must not carry user info, a query or a fragment' };
    }
  }
  const days = Number(raw.days);
  if (!/^\d+$/.test(raw.days) || days < 1 || days > MAX_DAYS) {
    return { error: `--days must be a whole number from 1 to ${MAX_DAYS}, got "${raw.days}"` };
  }
  let names: ServingNames;
  try {
    names = servingNames({
      service: service !== undefined && namespace !== undefined ? { name: service, namespace } : undefined,
      url,
      extraSans: raw.san,
    });
  } catch (err) {
    return { error: (err as Error).message };
  }
  // with both, the rendered configurations use the URL: that is what --url is for (the apiserver outside the cluster)
  const endpoint: WebhookEndpoint =
    url !== undefined ? { kind: 'url', url } : { kind: 'service', name: service ?? '', namespace: namespace ?? '' };
  return {
    config: {
      names,
      endpoint,
      outDir: resolve(cwd, raw.out),
      days,
      renderTo: raw.renderWebhooks === undefined || raw.renderWebhooks === '-' ? raw.renderWebhooks : resolve(cwd, raw.renderWebhooks),
      templateFile: raw.from !== undefined ? resolve(cwd, raw.from) : PACKAGED_WEBHOOKS,
    },
  };
}

/** Generates, writes and prints; returns the exit code. Everything that can fail on input fails before writing. */
export function runCerts(config: CertsConfig, io: Io): number {
  let template: string | undefined;
  if (config.renderTo !== undefined) {
    try {
      template = readFileSync(config.templateFile, 'utf8');
    } catch (err) {
      io.stderr.write(`btls certs: cannot read webhook configurations ${config.templateFile}: ${(err as Error).message}\n`);
      return ExitCode.error;
    }
  }
  const ca = createCA({ commonName: 'btls webhook CA', days: config.days });
  const serving = createServingCert(ca, { ...config.names, days: config.days });
  const bundle = caBundle(ca.certPem);
  let rendered: string | undefined;
  if (template !== undefined) {
    try {
      rendered = renderWebhooks(template, bundle, config.endpoint);
    } catch (err) {
      io.stderr.write(`btls certs: ${config.templateFile}: ${(err as Error).message}\n`);
      return ExitCode.error;
    }
  }
  try {
    const files = writePki(config.outDir, ca, serving);
    if (rendered !== undefined && config.renderTo !== undefined && config.renderTo !== '-') {
      mkdirSync(dirname(config.renderTo), { recursive: true });
      writeFileSync(config.renderTo, rendered);
    }
    const info = certificateInfo(serving.certPem);
    const sans = [...info.dnsNames, ...info.ips].join(', ');
    io.stderr.write(
      `btls certs: wrote ${files.caFile}, ${files.certFile}, ${files.keyFile} (0600), ${files.bundleFile}\n` +
        `btls certs: serving cert for ${sans}, valid until ${info.notAfter.toISOString()}\n` +
        (config.renderTo !== undefined && config.renderTo !== '-' ? `btls certs: wrote ${config.renderTo}\n` : ''),
    );
  } catch (err) {
    io.stderr.write(`btls certs: ${(err as Error).message}\n`);
    return ExitCode.error;
  }
  // stdout carries one thing only, so that it can be piped: the YAML with '-', else the bundle
  io.stdout.write(config.renderTo === '-' && rendered !== undefined ? rendered : `${bundle}\n`);
  return ExitCode.ok;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command, io: Io, outcome: CommandOutcome): void {
  program
    .command('certs')
    .description(
      'create a CA and a serving certificate for the webhook, print the caBundle, and optionally render the ' +
        'webhook configurations with it',
    )
    .option('--service <name>', 'the Service in front of the webhook')
    .option('--namespace <ns>', "the Service's namespace")
    .option('--san <name>', 'an extra DNS name or IP address for the certificate (repeatable)', collect, [])
    .option('--url <url>', 'render clientConfig.url (e.g. https://127.0.0.1:8443) instead of a Service')
    .option('--out <dir>', 'folder for ca.pem, tls-cert.pem, tls-key.pem and ca-bundle.b64', 'certs')
    .option('--days <n>', 'validity of the CA and the serving certificate, in days', '365')
    .option('--render-webhooks <file>', "write the webhook configurations with the caBundle filled in ('-': stdout)")
    .option('--from <file>', 'webhook configurations to render (default: the packaged manifests/base/webhooks.yaml)')
    .action((raw: RawOptions) => {
      const parsed = parseCertsOptions(raw, io.cwd);
      if ('error' in parsed) {
        io.stderr.write(`btls certs: ${parsed.error}\n`);
        outcome.code = ExitCode.error;
        return;
      }
      outcome.code = runCerts(parsed.config, io);
    });
}
