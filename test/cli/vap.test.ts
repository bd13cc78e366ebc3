import { run } from '../../src/cli/program.js';
// loaded here first: jest's ESM loader fails the command's concurrent dynamic imports of one module graph
import '../../src/rules/engine.js';
import '../../src/rules/table.js';
import '../../src/vap/render.js';
import { captureIo } from './buffer-io.js';

// `btls vap` through run(argv, io): what `btls vap > f.yaml && kubectl apply -f f.yaml` gets.

async function vap(args: string[]) {
  const { io, out, err } = captureIo();
  const code = await run(['vap', ...args], io);
  return { code, stdout: out(), stderr: err() };
}

describe('btls vap', () => {
  it('renders objects for the default rule set', async () => {
    const { code, stdout, stderr } = await vap([]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^kind: ValidatingAdmissionPolicy$/m);
  });

  // comments alone make kubectl apply -f fail with "no objects passed to apply": say why instead
  it('fails with a reason when the rule set leaves nothing to render (crd: the CRD runs those rules itself)', async () => {
    const { code, stdout, stderr } = await vap(['--ruleset', 'crd']);
    expect(code).not.toBe(0);
    expect(stdout).not.toMatch(/^kind:/m);
    expect(stderr).toMatch(/^btls vap: .*no rule.*crd/m);
    expect(stderr).toMatch(/CRD/);
  });
});
