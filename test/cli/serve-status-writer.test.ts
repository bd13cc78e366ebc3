/** `btls serve --status-writer`: the status writer in the webhook's process, its flags, metrics, readiness and shutdown. */
import { run } from '../../src/cli/program.js';
import { call, makePki } from '../server/helpers.js';
import { bufferIo, unreachableKubeconfig } from './writer-helpers.js';

async function until<T>(what: string, f: () => T | undefined): Promise<T> {
  for (let i = 0; ; i++) {
    const v = f();
    if (v !== undefined) return v;
    if (i > 400) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('btls serve --status-writer', () => {
  it.each([
    ['--status-writer without --controller-name', ['--status-writer'], /^btls serve: --status-writer: the status writer needs --controller-name$/m],
    ["the writer's flags without --status-writer", ['--controller-name', 'example.com/gw', '--leader-elect'], /^btls serve: --controller-name, --leader-elect go with --status-writer$/m],
    ['an unreadable kubeconfig', ['--status-writer', '--controller-name', 'example.com/gw', '--kubeconfig', 'no/such/kubeconfig'], /^btls serve: --status-writer: cannot load kubeconfig: /m],
  ])('is a usage error (exit 2, nothing started): %s', async (_, args, message) => {
    const pki = makePki();
    const io = bufferIo(pki.dir);
    expect(await run(['serve', '--port', '0', '--tls-cert', pki.certFile, '--tls-key', pki.keyFile, ...args], io)).toBe(2);
    expect(io.err()).toMatch(message);
    expect(io.err()).not.toMatch(/btls webhook serving/);
  });

  it('serves admission and readyz while the writer cannot reach its API server, shows both metrics, and stops both on SIGTERM', async () => {
    const pki = makePki();
    const io = bufferIo(pki.dir);
    const kubeconfig = await unreachableKubeconfig(pki.dir);
    const exit = run(
      ['serve', '--port', '0', '--tls-cert', pki.certFile, '--tls-key', pki.keyFile, '--status-writer', '--controller-name', 'example.com/gw', '--kubeconfig', kubeconfig],
      io,
    );
    const url = await until('the banner', () => /serving (https:\/\/\S+)/.exec(io.err())?.[1]);
    await until('the writer to start', () => (io.out().includes('"msg":"status writer started"') ? true : undefined));
    expect((await call(`${url}/readyz`, { ca: pki.caPem })).status).toBe(200);
    const metrics = (await call(`${url}/metrics`, { ca: pki.caPem })).text;
    expect(metrics).toMatch(/^btls_status_is_leader 1$/m); // no --leader-elect: this process writes
    expect(metrics).toMatch(/^btls_status_reconciles_total /m);
    expect(metrics).toMatch(/^process_cpu_seconds_total /m); // and the webhook's own
    process.emit('SIGTERM', 'SIGTERM');
    expect(await exit).toBe(0);
    const out = io.out();
    expect(out).toContain('"msg":"status writer stopped"');
    expect(out).toContain('"msg":"server closed"');
    expect(out).toContain('"component":"status-writer"');
    // no handler stays behind for a later signal
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });
});
