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

describe('parseManifests on hostile input', () => {
  it('refuses a YAML alias bomb with a clear error instead of expanding it', () => {
    const levels = Array.from({ length: 8 }, (_, i) =>
      i === 0 ? 'x0: &a0 [l, l, l, l, l, l, l, l, l, l]' : `x${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`,
    );
    const text = ['kind: BackendTLSPolicy', 'metadata: {name: bomb}', ...levels].join('\n');
    const started = Date.now();
    const { objects, errors } = parseManifests(text, 'bomb.yaml');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(objects).toEqual([]);
    expect(errors[0].message).toMatch(/has more than 100000 values or is nested deeper than 1000 levels/);
  });

  it('refuses JSON nested deeper than the walks after it can take', () => {
    const text = `{"kind": "X", "x": ${'['.repeat(2000)}${']'.repeat(2000)}}`;
    expect(parseManifests(text, 'deep.json').errors[0].message).toMatch(/nested deeper than 1000 levels/);
  });

  it('keeps a few shared aliases, which real manifests use', () => {
    const text = 'kind: ConfigMap\nmetadata: {name: a}\ndata: &d {k: v}\nbinaryData: *d\n';
    expect(parseManifests(text, 'ok.yaml').objects).toHaveLength(1);
  });
});
