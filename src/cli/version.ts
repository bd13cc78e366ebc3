import { readFileSync } from 'node:fs';

let version: string | undefined;

/** btls's version from package.json (for --version and SARIF's tool.driver); undefined if it cannot be read. */
export function toolVersion(): string | undefined {
  if (version === undefined) {
    try {
      // src/cli/version.ts and dist/cli/version.js both sit two folders below package.json
      version = String(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version ?? '');
    } catch {
      version = '';
    }
  }
  return version || undefined;
}
