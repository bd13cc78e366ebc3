import { parseManifests } from '../../src/manifests/parse.js';

// What `btls check` reads: the loader parses a whole YAML stream at once (fast path) and falls back to one
// document at a time when the stream has an error; both must give the same objects, lines and errors.

const kinds = (text: string, file = 'in.yaml') => {
  const { objects, errors } = parseManifests(text, file);
  return { objects: objects.map((o) => [o.object.kind, o.source.line]), errors: errors.map((e) => [e.source.line, e.source.column, e.message]) };
};

describe('reading manifests for btls check', () => {
  it('gives each object of a stream its first line, with markers, comments, content on the marker line and ...', () => {
    const text = '--- kind: A\n--- {kind: B}\n---\n\n\n# x\nkind: C\n...\n---\nkind: D\n---\n# only a comment\n---\n~\n';
    expect(kinds(text)).toEqual({ objects: [['A', 1], ['B', 2], ['C', 7], ['D', 10]], errors: [] });
  });

  it('gives the same objects when another document of the stream is broken', () => {
    const text = '--- kind: A\n--- {kind: B}\n---\n\n\n# x\nkind: C\n...\n---\nkind: D\n---\nbroken: [\n';
    expect(kinds(text)).toEqual({ objects: [['A', 1], ['B', 2], ['C', 7], ['D', 10]], errors: [[13, 1, 'YAML syntax error: deficient indentation']] });
  });

  it('keeps anchors within their document and reports a duplicated key at its line', () => {
    expect(kinds('kind: A\nx: &a {k: 1}\ny: *a\n---\nkind: B\nkind: C\n')).toEqual({
      objects: [['A', 1]],
      errors: [[6, 1, 'YAML syntax error: duplicated mapping key']],
    });
  });

  it('reads CRLF line ends', () => {
    expect(kinds('kind: A\r\n---\r\nkind: B\r\n')).toEqual({ objects: [['A', 1], ['B', 3]], errors: [] });
  });

  it('rejects documents that are not mappings, wherever they are in the stream', () => {
    expect(kinds('kind: A\n---\n- 1\n---\n"text"\n---\nkind: B\n')).toEqual({
      objects: [['A', 1], ['B', 7]],
      errors: [
        [3, 1, 'document is not a Kubernetes object (expected a mapping)'],
        [5, 1, 'document is not a Kubernetes object (expected a mapping)'],
      ],
    });
  });

  it('reads large streams without overflowing the stack', () => {
    const text = Array.from({ length: 150_000 }, (_, i) => `kind: K\nmetadata: {name: o${i}}`).join('\n---\n');
    const { objects } = parseManifests(text, 'big.yaml');
    expect(objects).toHaveLength(150_000);
    expect(objects[149_999].source.line).toBe(149_999 * 3 + 1);
  });

  it('points at a JSON syntax error with its line and column, on one line', () => {
    const text = '{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {"name": }\n}\n';
    expect(kinds(text, 'bad.json').errors).toEqual([[4, 24, "JSON syntax error: Unexpected token '}'"]]);
    expect(kinds('{"kind": "Service",\n"x": 1', 'cut.json').errors).toEqual([[2, 7, "JSON syntax error: Expected ',' or '}' after property value"]]);
  });
});
