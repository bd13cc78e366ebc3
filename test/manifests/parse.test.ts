import { parseManifests, splitDocuments } from '../../src/manifests/parse.js';

describe('splitDocuments', () => {
  it('gives each document the line it starts on', () => {
    const docs = splitDocuments('a: 1\n---\nb: 2\n--- # c\nc: 3\n');
    expect(docs.map((d) => d.firstLine)).toEqual([1, 3, 5]);
  });

  it('does not split at a --- that is part of a value', () => {
    expect(splitDocuments('a: "---"\nb: ---x\n')).toHaveLength(1);
  });
});

describe('parseManifests', () => {
  it('reads multi-document YAML and expands List objects', () => {
    const text = [
      'kind: ConfigMap',
      'metadata: {name: a}',
      '---',
      '# a comment only',
      '---',
      'kind: List',
      'items:',
      '- {kind: Service, metadata: {name: s1}}',
      '- {kind: Service, metadata: {name: s2}}',
    ].join('\n');
    const { objects, errors } = parseManifests(text, 'x.yaml');
    expect(errors).toEqual([]);
    expect(objects.map((o) => [o.object.kind, o.object.metadata?.name, o.source.line, o.listIndex])).toEqual([
      ['ConfigMap', 'a', 1, undefined],
      ['Service', 's1', 6, 0],
      ['Service', 's2', 6, 1],
    ]);
  });

  it('reports a YAML syntax error with the line in the whole file, and keeps the other documents', () => {
    const { objects, errors } = parseManifests('kind: A\n---\nkind: B\nmetadata: [\n', 'bad.yaml');
    expect(objects.map((o) => o.object.kind)).toEqual(['A']);
    expect(errors).toHaveLength(1);
    expect(errors[0].source.file).toBe('bad.yaml');
    expect(errors[0].source.line).toBeGreaterThanOrEqual(4);
    expect(errors[0].message).toMatch(/^YAML syntax error/);
  });

  it('rejects a document that is not a mapping', () => {
    const { errors } = parseManifests('- a\n- b\n', 'list.yaml');
    expect(errors[0].message).toMatch(/not a Kubernetes object/);
  });

  it('parses JSON files as one document', () => {
    const { objects } = parseManifests('{"kind":"Service","metadata":{"name":"s"}}', 'x.json');
    expect(objects[0].object.metadata?.name).toBe('s');
  });
});
