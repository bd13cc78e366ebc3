import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SourcePosition } from '../../manifests/types.js';
import type { CheckFinding, CheckResult } from '../check/types.js';
import type { InputError } from '../../manifests/types.js';
import type { Output, OutputOptions, OutputStream } from './index.js';

/**
 * A file path as a SARIF artifact URI: relative paths stay relative (code scanning resolves them against the
 * repository root), absolute ones become file: URLs, `\` separators become `/`.
 */
export function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}

function location(source: SourcePosition) {
  const physicalLocation: Record<string, unknown> = { artifactLocation: { uri: artifactUri(source.file) } };
  if (source.line > 0) physicalLocation.region = { startLine: source.line, startColumn: Math.max(source.column, 1) };
  return { physicalLocation };
}

/**
 * SARIF 2.1.0 for code scanning (GitHub `upload-sarif`): one run of the `btls` driver, its rules[] are the rule
 * ids seen, one result per finding (deny -> error, warn -> warning); inputs that could not be read or parsed are
 * tool execution notifications and mark the invocation unsuccessful. Buffered; written on flush.
 */
export function create(stream: OutputStream, opts: OutputOptions = {}): Output {
  const findings: CheckFinding[] = [];
  const errors: InputError[] = [];
  return {
    write(result: CheckResult) {
      if (result.type === 'error') errors.push(result.error);
      else findings.push(...result.findings);
    },
    flush() {
      const ruleIndex = new Map<string, number>();
      for (const f of findings) if (!ruleIndex.has(f.rule)) ruleIndex.set(f.rule, ruleIndex.size);
      const driver: Record<string, unknown> = { name: 'btls' };
      if (opts.version) driver.version = opts.version;
      driver.informationUri = 'https://gateway-api.sigs.k8s.io/api-types/backendtlspolicy/';
      driver.rules = [...ruleIndex.keys()].map((id) => ({ id }));
      const sarif = {
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [
          {
            tool: { driver },
            invocations: [
              {
                executionSuccessful: errors.length === 0,
                toolExecutionNotifications: errors.map((e) => ({
                  level: 'error',
                  message: { text: e.message },
                  locations: [location(e.source)],
                })),
              },
            ],
            results: findings.map((f) => ({
              ruleId: f.rule,
              ruleIndex: ruleIndex.get(f.rule),
              level: f.severity === 'deny' ? 'error' : 'warning',
              message: { text: `${f.field}: ${f.message}` },
              locations: [
                {
                  ...location(f.source),
                  logicalLocations: [
                    {
                      name: f.object.name,
                      fullyQualifiedName: `${f.object.kind}/${f.object.namespace}/${f.object.name}`,
                      kind: 'resource',
                    },
                  ],
                },
              ],
            })),
          },
        ],
      };
      stream.write(JSON.stringify(sarif, null, 2) + '\n');
    },
  };
}
