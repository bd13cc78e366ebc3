import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { KUBECTL_YAML_SCHEMA } from '../../src/manifests/kubectl-yaml.js';
import { parseManifests } from '../../src/manifests/parse.js';

// what sigs.k8s.io/yaml v1.4.0 (kubectl v1.33's YAML reader) made of each scalar: scripts/kubectl-yaml-truth/
const table = readFileSync(new URL('../fixtures/kubectl-yaml-scalars.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => {
    const tab = line.indexOf('\t');
    return { scalar: line.slice(0, tab), kubectl: line.slice(tab + 1) };
  });

describe('manifests are read as kubectl reads YAML', () => {
  it('has the truth table', () => {
    expect(table.length).toBeGreaterThan(100);
  });

  it.each(table.filter((t) => !t.kubectl.startsWith('ERR')))('scalar $scalar reads as $kubectl', ({ scalar, kubectl }) => {
    const expected = (JSON.parse(kubectl) as { v: unknown }).v;
    const value = (load(`v: ${scalar}\n`, { schema: KUBECTL_YAML_SCHEMA }) as { v: unknown }).v;
    expect(value).toEqual(expected);
    expect(typeof value).toBe(typeof expected);
  });

  it.each(table.filter((t) => t.kubectl.startsWith('ERR json')))('non-finite $scalar is refused, as kubectl refuses it', ({ scalar }) => {
    const r = parseManifests(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  v: ${scalar}\n`, 'm.yaml');
    expect(r.objects).toHaveLength(0);
    expect(r.errors[0].message).toMatch(/\.inf or \.nan/);
  });

  it('quoted scalars stay strings', () => {
    expect(load(`a: "yes"\nb: '1_000'\nc: !!str 0x1F\n`, { schema: KUBECTL_YAML_SCHEMA })).toEqual({ a: 'yes', b: '1_000', c: '0x1F' });
  });

  it('merges << keys as kubectl does: own keys win, then the first merged map', () => {
    const text = [
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: BackendTLSPolicy',
      'metadata: {name: p}',
      'spec:',
      '  targetRefs:',
      '    - &ref',
      '      group: ""',
      '      kind: Service',
      '      name: backend',
      '      sectionName: a',
      '    - <<: *ref',
      '      sectionName: b',
      '    - <<: [{name: first}, {name: second, kind: Other}]',
      '      group: ""',
      '',
    ].join('\n');
    const { objects, errors } = parseManifests(text, 'merge.yaml');
    expect(errors).toEqual([]);
    expect((objects[0].object.spec as { targetRefs: unknown[] }).targetRefs).toEqual([
      { group: '', kind: 'Service', name: 'backend', sectionName: 'a' },
      { group: '', kind: 'Service', name: 'backend', sectionName: 'b' },
      { name: 'first', kind: 'Other', group: '' },
    ]);
  });
});
