/** --resync-seconds feeds setInterval: a value that would make the writer loop hot is a usage error, before anything starts. */
import { run } from '../../src/cli/program.js';
import { MAX_RESYNC_SECONDS, MIN_RESYNC_SECONDS, resyncError } from '../../src/cli/commands/writer-options.js';
import { bufferIo } from './buffer-io.js';


const refused = ['0', '-5', 'abc', '', '0.5', 'NaN', 'Infinity', '1e3', '5m', String(MAX_RESYNC_SECONDS + 1)];

describe('--resync-seconds', () => {
  it.each(refused)('btls controller --resync-seconds %j exits 2 with a usage error and starts nothing', async (value) => {
    const io = bufferIo();
    expect(await run(['controller', '--controller-name', 'example.com/gw', '--metrics-port', '0', `--resync-seconds=${value}`], io)).toBe(2);
    expect(io.err()).toBe(`btls controller: --resync-seconds must be a number of seconds from ${MIN_RESYNC_SECONDS} to ${MAX_RESYNC_SECONDS}, got ${JSON.stringify(value)}\n`);
    expect(io.out()).toBe(''); // no "status writer started" log line
  });

  it('is checked the same way by btls serve --status-writer', async () => {
    const io = bufferIo();
    expect(await run(['serve', '--port', '0', '--status-writer', '--controller-name', 'example.com/gw', '--resync-seconds', '0'], io)).toBe(2);
    expect(io.err()).toMatch(/^btls serve: --status-writer: --resync-seconds must be a number of seconds from 1 to /);
    expect(io.err()).not.toMatch(/btls webhook serving/);
  });

  it.each(['1', '300', '2.5', String(MAX_RESYNC_SECONDS)])('accepts %j', (value) => {
    expect(resyncError(value)).toBeUndefined();
  });
});
