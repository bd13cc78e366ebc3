/** `btls controller --metrics-port`: a port that cannot be served stops the command before the writer starts. */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/program.js';
import { bufferIo, unreachableKubeconfig } from './writer-helpers.js';

describe('btls controller --metrics-port', () => {
  let busy: Server;
  let port = 0;
  beforeAll(async () => {
    // the metrics server listens on every address, so take the port there
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '0.0.0.0', () => r()));
    port = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => busy.close(() => r())));

  it('fails fast with a clear error when the port is in use: exit 2, no writer started, no signal handler left', async () => {
    const io = bufferIo();
    const kubeconfig = await unreachableKubeconfig(mkdtempSync(join(tmpdir(), 'btls-ctl-')));
    const before = process.listenerCount('SIGTERM');
    expect(await run(['controller', '--controller-name', 'example.com/gw', '--kubeconfig', kubeconfig, '--metrics-port', String(port)], io)).toBe(2);
    expect(io.err()).toMatch(new RegExp(`^btls controller: cannot serve metrics on port ${port}: .*EADDRINUSE`));
    expect(io.out()).not.toContain('status writer started');
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it.each(['abc', '-1', '70000', ''])('is a usage error for %j', async (value) => {
    const io = bufferIo();
    expect(await run(['controller', '--controller-name', 'example.com/gw', `--metrics-port=${value}`], io)).toBe(2);
    expect(io.err()).toBe(`btls controller: --metrics-port must be a number from 0 to 65535, got ${JSON.stringify(value)}\n`);
    expect(io.out()).toBe('');
  });
});
