import { runPlugin, translateKubectlArgs } from '../../src/cli/kubectl-plugin.js';
import { captureIo } from './buffer-io.js';

describe('kubectl btls', () => {
  it('checks the files named with -f', () => {
    expect(translateKubectlArgs(['check', '-f', 'a.yaml', '--filename=dir/', '-o', 'json'])).toEqual(['check', '-o', 'json', 'a.yaml', 'dir/']);
  });

  it('reads the cluster when no file is named, passing kubectl flags on', () => {
    expect(translateKubectlArgs(['check', '-n', 'team-a', '--context', 'prod'])).toEqual(['check', '--cluster', '-n', 'team-a', '--context', 'prod']);
    expect(translateKubectlArgs(['status', '--controller-name', 'example.com/gw', '-A'])).toEqual(['status', '--cluster', '--controller-name', 'example.com/gw', '-A']);
  });

  // kubectl apply -f nons.yaml -n shop creates the object in shop: -n is the namespace of objects without one
  it('keeps -n with files, and drops the flags that only say where to send them', () => {
    expect(translateKubectlArgs(['check', '-n', 'x', '-A', '--context', 'c', '--kubeconfig', 'k', '-f', 'a.yaml'])).toEqual(['check', '-n', 'x', 'a.yaml']);
  });

  // pflag's forms, as kubectl reads them
  it('reads the attached and = forms of -n and -f, and splits -f on commas', () => {
    expect(translateKubectlArgs(['check', '-nshop', '-fa.yaml,b.yaml', '-f=c.yaml', '--namespace=shop'])).toEqual(['check', '-n', 'shop', 'a.yaml', 'b.yaml', 'c.yaml']);
    expect(translateKubectlArgs(['check', '-f', 'a.yaml,b.yaml'])).toEqual(['check', 'a.yaml', 'b.yaml']);
    expect(translateKubectlArgs(['check', '-n=team-a'])).toEqual(['check', '--cluster', '-n', 'team-a']);
  });

  it('reads --all-namespaces=true|false and accepts -R / --recursive (folders are always walked)', () => {
    expect(translateKubectlArgs(['check', '--all-namespaces=true'])).toEqual(['check', '--cluster', '-A']);
    expect(translateKubectlArgs(['check', '--all-namespaces=false', '-n', 'a'])).toEqual(['check', '--cluster', '-n', 'a']);
    expect(translateKubectlArgs(['check', '-R', '-f', 'dir/'])).toEqual(['check', 'dir/']);
    expect(translateKubectlArgs(['check', '--recursive', '-f', 'dir/'])).toEqual(['check', 'dir/']);
    expect(translateKubectlArgs(['check', '--recursive=false', '-f', 'dir/'])).toEqual(['check', 'dir/']);
  });

  it('passes other commands through untouched', () => {
    expect(translateKubectlArgs(['vap', '-o', 'json'])).toEqual(['vap', '-o', 'json']);
  });

  it('leaves a -f without a value for the usage error', () => {
    expect(translateKubectlArgs(['check', '-f'])).toEqual(['check', '--cluster', '-f']);
  });
});

async function plugin(args: string[]) {
  const { io, out, err } = captureIo();
  const code = await runPlugin(args, io);
  return { code, stdout: out(), stderr: err() };
}

describe('kubectl btls --help', () => {
  it.each([[['--help']], [['-h']], [['help']], [[]]])('shows the usage of the plugin, in kubectl terms, for %j', async (args) => {
    const { code, stdout } = await plugin(args);
    expect(code).toBe(args.length ? 0 : 2);
    const text = stdout || (await plugin(['--help'])).stdout;
    expect(text).toMatch(/kubectl btls check/);
    expect(text).toMatch(/kubectl btls status/);
    expect(text).toMatch(/-f/);
    // the webhook and the controller are no business of the plugin
    expect(text).not.toMatch(/\bserve\b|\bcontroller\b(?!-name)/);
  });
});
