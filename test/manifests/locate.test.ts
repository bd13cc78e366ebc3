import { createLocateCache, locateField } from '../../src/manifests/locate.js';
import { parseManifests } from '../../src/manifests/parse.js';

const policy = [
  'apiVersion: gateway.networking.k8s.io/v1', // 1
  'kind: BackendTLSPolicy', // 2
  'metadata:', // 3
  '  name: p', // 4
  'spec:', // 5
  '  targetRefs:', // 6
  '  - group: ""', // 7
  '    kind: Service', // 8
  '    name: backend', // 9
  '  validation:', // 10
  '    hostname: backend.example.com', // 11
  '    subjectAltNames:', // 12
  '    - type: Hostname', // 13
  '      hostname: a.example.com', // 14
  '    - {type: URI, uri: "spiffe://x"}', // 15
  '  options:', // 16
  '    example.com/key: v', // 17
  '    example.com: w', // 18
].join('\n');

function at(text: string, field: string, file = 'p.yaml') {
  const { objects } = parseManifests(text, file);
  const o = objects[objects.length - 1];
  const { line, column } = locateField(o.document, o.listIndex, field);
  return [line, column];
}

describe('locateField', () => {
  it('points at the key of a field', () => {
    expect(at(policy, 'spec.validation.hostname')).toEqual([11, 5]);
    expect(at(policy, 'spec.validation.subjectAltNames')).toEqual([12, 5]);
  });

  it('follows list indexes in block and flow style', () => {
    expect(at(policy, 'spec.targetRefs[0]')).toEqual([7, 5]);
    expect(at(policy, 'spec.validation.subjectAltNames[0].hostname')).toEqual([14, 7]);
    expect(at(policy, 'spec.validation.subjectAltNames[1].uri')).toEqual([15, 19]);
  });

  it('resolves map keys that contain dots and slashes against the keys present', () => {
    expect(at(policy, 'spec.options.example.com/key')).toEqual([17, 5]);
    expect(at(policy, 'spec.options.example.com')).toEqual([18, 5]);
    expect(at(policy, 'spec.options[example.com/key]')).toEqual([17, 5]);
  });

  it('points at the closest parent that exists when the field is missing', () => {
    expect(at(policy, 'spec.validation.wellKnownCACertificates')).toEqual([10, 3]);
    expect(at(policy, 'spec.targetRefs[3].name')).toEqual([6, 3]);
    expect(at(policy, 'status')).toEqual([1, 1]);
  });

  it('points at the start of the object for <nil>', () => {
    expect(at(policy, '<nil>')).toEqual([1, 1]);
  });

  it('offsets the line by where the document starts in its file', () => {
    const text = 'kind: ConfigMap\n---\n# policy\n' + policy;
    expect(at(text, 'spec.validation.hostname')).toEqual([14, 5]);
    expect(at(text, '<nil>')).toEqual([4, 1]);
  });

  it('finds fields of an item of a List', () => {
    const list = ['kind: List', 'items:', '- kind: Service', '  metadata: {name: s}', '- kind: BackendTLSPolicy', '  spec:', '    validation: {hostname: ""}'].join('\n');
    expect(at(list, 'spec.validation.hostname')).toEqual([7, 18]);
    expect(at(list, '<nil>')).toEqual([5, 3]);
  });

  it('finds fields in JSON', () => {
    const json = '{\n  "kind": "BackendTLSPolicy",\n  "spec": {\n    "validation": {"hostname": ""}\n  }\n}\n';
    expect(at(json, 'spec.validation.hostname', 'p.json')).toEqual([4, 20]);
  });

  it('parses each document once per cache', () => {
    const { objects } = parseManifests(policy, 'p.yaml');
    const cache = createLocateCache();
    locateField(objects[0].document, undefined, 'spec', cache);
    locateField(objects[0].document, undefined, 'metadata.name', cache);
    expect(cache.size).toBe(1);
  });
});
