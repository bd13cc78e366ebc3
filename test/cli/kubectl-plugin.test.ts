import { translateKubectlArgs } from '../../src/cli/kubectl-plugin.js';

describe('kubectl btls', () => {
  it('checks the files named with -f', () => {
    expect(translateKubectlArgs(['check', '-f', 'a.yaml', '--filename=dir/', '-o', 'json'])).toEqual(['check', '-o', 'json', 'a.yaml', 'dir/']);
  });

  it('reads the cluster when no file is named, passing kubectl flags on', () => {
    expect(translateKubectlArgs(['check', '-n', 'team-a', '--context', 'prod'])).toEqual(['check', '--cluster', '-n', 'team-a', '--context', 'prod']);
    expect(translateKubectlArgs(['status', '--controller-name', 'example.com/gw', '-A'])).toEqual(['status', '--cluster', '--controller-name', 'example.com/gw', '-A']);
  });

  it('drops the cluster flags when files are named', () => {
    expect(translateKubectlArgs(['check', '-n', 'x', '-A', '-f', 'a.yaml'])).toEqual(['check', 'a.yaml']);
  });

  it('passes other commands through untouched', () => {
    expect(translateKubectlArgs(['vap', '-o', 'json'])).toEqual(['vap', '-o', 'json']);
    expect(translateKubectlArgs(['--help'])).toEqual(['--help']);
  });

  it('leaves a -f without a value for the usage error', () => {
    expect(translateKubectlArgs(['check', '-f'])).toEqual(['check', '--cluster', '-f']);
  });
});
