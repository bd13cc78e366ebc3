/** `btls serve`: flags, the embedded dev certificates, and a full start / request / SIGTERM cycle in-process. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseServeOptions } from '../../src/cli/commands/serve.js';
import { run } from '../../src/cli/program.js';
import { call, makePki } from './helpers.js';
import { bufferIo } from '../cli/buffer-io.js';

const defaults = { port: '8443', host: '127.0.0.1', crdRules: 'auto', shutdownDelay: '0', maxConnections: '1024', logLevel: 'info' };

describe('parseServeOptions', () => {
  it('resolves paths against the working directory', () => {
    const r = parseServeOptions({ ...defaults, tlsCert: 'c.pem', tlsKey: 'k.pem', config: 'btls.yaml', ruleset: 'crd' }, '/w');
    expect(r).toEqual({
      config: {
        host: '127.0.0.1',
        port: 8443,
        tls: { certFile: '/w/c.pem', keyFile: '/w/k.pem' },
        devCertsDir: '/w/certs',
        configFile: '/w/btls.yaml',
        ruleset: 'crd',
        crdRules: 'auto',
        shutdownDelayMs: 0,
        maxConnections: 1024,
        logLevel: 'info',
      },
    });
  });

  it.each([
    [{ port: 'http' }, '--port must be a number from 0 to 65535, got "http"'],
    [{ port: '70000' }, '--port must be a number from 0 to 65535, got "70000"'],
    [{ tlsCert: 'c.pem' }, '--tls-cert and --tls-key go together (or leave both out to use the dev certificates under certs/)'],
    [{ ruleset: 'strict' }, '--ruleset must be "crd" or "default", got "strict"'],
    [{ crdRules: 'maybe' }, '--crd-rules must be one of auto, enforce, skip, got "maybe"'],
    [{ shutdownDelay: '5s' }, '--shutdown-delay must be a number of seconds, got "5s"'],
    [{ maxConnections: '0' }, '--max-connections must be a number from 1 to 9999999, got "0"'],
    [{ maxConnections: 'lots' }, '--max-connections must be a number from 1 to 9999999, got "lots"'],
    [{ logLevel: 'loud' }, '--log-level must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
  ])('is a usage error when %j', (patch, error) => {
    expect(parseServeOptions({ ...defaults, ...patch }, '/w')).toEqual({ error });
  });
});


async function until<T>(what: string, f: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('btls serve', () => {
  it('creates dev certificates on first start, reuses them on the next, serves, and exits 0 on SIGTERM', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'btls-serve-'));
    for (const round of ['created', 'using']) {
      const io = bufferIo(cwd);
      const exit = run(['serve', '--port', '0', '--ruleset', 'default'], io);
      const url = await until('the banner', () => /serving (https:\/\/\S+)/.exec(io.err())?.[1]);
      expect(io.err()).toContain(round === 'created' ? 'created a dev CA' : 'using the dev certificates in certs/');
      expect(io.err()).toContain('CA bundle: certs/ca.pem');
      // the bundle itself is printed, and it is the dev CA's certificate
      expect(io.err()).toContain(readFileSync(join(cwd, 'certs', 'ca.pem'), 'utf8').trimEnd());
      expect(io.err()).not.toContain('PRIVATE KEY');
      expect(io.err()).toContain("(rule set default, the CRD's own rules left to the API server)");
      expect(io.err()).toMatch(/try: curl --cacert certs\/ca\.pem -H 'Content-Type: application\/json' --data @examples\/review-denied\.json https:\/\/127\.0\.0\.1:\d+\/validate/);
      const ca = readFileSync(join(cwd, 'certs', 'ca.pem'), 'utf8');
      const denied = await call(`${url}/validate`, { ca, body: readFileSync(new URL('../../examples/review-denied.json', import.meta.url)) });
      expect(denied.json.response.allowed).toBe(false);
      process.emit('SIGTERM', 'SIGTERM');
      expect(await exit).toBe(0);
      expect(io.out()).toContain('"msg":"admission review"');
    }
    expect(existsSync(join(cwd, 'certs', 'ca-bundle.b64'))).toBe(true);
  });

  it('serves the given --tls-cert / --tls-key', async () => {
    const pki = makePki();
    const io = bufferIo(pki.dir);
    const exit = run(['serve', '--port', '0', '--tls-cert', pki.certFile, '--tls-key', pki.keyFile, '--crd-rules', 'enforce'], io);
    const url = await until('the banner', () => /serving (https:\/\/\S+)/.exec(io.err())?.[1]);
    expect(io.err()).toContain('(rule set default):');
    expect((await call(`${url}/healthz`, { ca: pki.caPem })).status).toBe(200);
    expect(existsSync(join(pki.dir, 'certs'))).toBe(false);
    process.emit('SIGTERM', 'SIGTERM');
    expect(await exit).toBe(0);
  });

  it('exits 2 with a clear message when the key does not match the certificate', async () => {
    const a = makePki();
    const b = makePki();
    const io = bufferIo(a.dir);
    expect(await run(['serve', '--port', '0', '--tls-cert', a.certFile, '--tls-key', b.keyFile], io)).toBe(2);
    expect(io.err()).toMatch(/btls serve: cannot use the TLS pair .*tls-cert\.pem \+ .*tls-key\.pem: key values mismatch/);
    expect(io.err()).not.toMatch(/BEGIN|PRIVATE/);
  });

  it('exits 2 when the rule configuration does not load', async () => {
    const pki = makePki();
    writeFileSync(join(pki.dir, 'bad.yaml'), 'rules: [1, 2');
    const io = bufferIo(pki.dir);
    expect(await run(['serve', '--port', '0', '--tls-cert', pki.certFile, '--tls-key', pki.keyFile, '--config', 'bad.yaml'], io)).toBe(2);
    expect(io.err()).toMatch(/^btls serve: cannot load the rules: /);
  });
});
