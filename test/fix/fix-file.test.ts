import { fixText } from '../../src/fix/fix-file.js';
import { loadEngine } from '../../src/rules/engine.js';

const engine = loadEngine();

describe('fixText', () => {
  const yaml = [
    '# team A backends',
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: backend}',
    '---',
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: BackendTLSPolicy',
    'metadata:',
    '  name: backend-tls # owned by team A',
    'spec:',
    '  targetRefs:',
    '    - kind: Service   # group is implied',
    '      name: backend',
    '  validation:',
    "    hostname: 'Backend.Example.COM.'",
    '    caCertificateRefs: [{kind: ConfigMap, name: ca}]',
    '    subjectAltNames:',
    '      - type: Hostname',
    '        hostname: API.example.com',
    '',
  ].join('\n');

  it('changes only the fixed values and keeps comments, quoting and layout', () => {
    const { text, changes } = fixText(yaml, 'p.yaml', engine);
    expect(text).toBe(
      yaml
        .replace('    - kind: Service   # group is implied', '    - group: ""\n      kind: Service   # group is implied')
        .replace("'Backend.Example.COM.'", "'backend.example.com'")
        .replace('[{kind: ConfigMap, name: ca}]', '[{group: "", kind: ConfigMap, name: ca}]')
        .replace('hostname: API.example.com', 'hostname: api.example.com'),
    );
    expect(changes).toHaveLength(4);
  });

  it('changes nothing the second time', () => {
    const once = fixText(yaml, 'p.yaml', engine).text;
    const twice = fixText(once, 'p.yaml', engine);
    expect(twice.text).toBe(once);
    expect(twice.changes).toEqual([]);
  });

  it('keeps JSON valid', () => {
    const json = JSON.stringify({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'BackendTLSPolicy',
      metadata: { name: 'p' },
      spec: { targetRefs: [{ kind: 'Service', name: 'b' }], validation: { hostname: 'B.example.com', wellKnownCACertificates: 'System' } },
    }, null, 2);
    const { text } = fixText(json, 'p.json', engine);
    const parsed = JSON.parse(text);
    expect(parsed.spec.targetRefs[0].group).toBe('');
    expect(parsed.spec.validation.hostname).toBe('b.example.com');
  });

  it('fixes items of a List and keeps Windows line ends', () => {
    const list = 'apiVersion: v1\r\nkind: List\r\nitems:\r\n- apiVersion: gateway.networking.k8s.io/v1\r\n  kind: BackendTLSPolicy\r\n  metadata: {name: p}\r\n  spec:\r\n    targetRefs: [{group: "", kind: Service, name: b}]\r\n    validation: {hostname: B.example.com, wellKnownCACertificates: System}\r\n';
    const { text } = fixText(list, 'l.yaml', engine);
    expect(text).toBe(list.replace('hostname: B.example.com', 'hostname: b.example.com'));
  });

  it('leaves a file without anything to fix byte for byte alone', () => {
    const clean = 'kind: ConfigMap\nmetadata: {name: x}\n---\n--- \n';
    expect(fixText(clean, 'c.yaml', engine)).toEqual({ text: clean, changes: [], problems: [] });
  });
});

describe('fixText on broken input', () => {
  it('reports a YAML syntax error with its line and fixes the other documents', () => {
    const text = 'apiVersion: gateway.networking.k8s.io/v1\nkind: BackendTLSPolicy\nmetadata: {name: p}\nspec:\n  targetRefs: [{group: "", kind: Service, name: b}]\n  validation: {hostname: A.example.com, wellKnownCACertificates: System}\n---\nkind: [\n';
    const r = fixText(text, 'broken.yaml', engine);
    expect(r.problems).toEqual([expect.stringMatching(/^broken\.yaml:(8|9):\d+: error: YAML syntax error/)]);
    expect(r.text).toContain('hostname: a.example.com');
  });
});

describe('fixText on block scalars and layouts the edits may not handle', () => {
  const policy = (hostname: string) =>
    [
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: BackendTLSPolicy',
      'metadata: {name: p}',
      'spec:',
      '  targetRefs: [{group: "", kind: Service, name: b}]',
      '  validation:',
      hostname,
      '    wellKnownCACertificates: System',
      '',
    ].join('\n');

  // clipped block scalars (| and >) end in a line break, which is part of the value and stays
  it.each([
    ['>-', '"backend.example.com"'],
    ['|-', '"backend.example.com"'],
    ['|', '"backend.example.com\\n"'],
    ['>', '"backend.example.com\\n"'],
  ])('replaces a %s block scalar with %s and keeps the next line its own', (indicator, written) => {
    const before = policy(`    hostname: ${indicator}\n      Backend.Example.com`);
    const r = fixText(before, 'b.yaml', engine);
    expect(r.problems).toEqual([]);
    expect(r.text).toBe(policy(`    hostname: ${written}`));
  });

  it('leaves a document alone, and says so, when the fixed text would not read back as the patched object', () => {
    // an engine whose fix never settles: each pass wants another value
    let n = 0;
    const restless = { ...engine, mutate: () => [{ op: 'replace' as const, path: '/spec/validation/hostname', value: `h${n++}.example.com` }] };
    const before = policy('    hostname: a.example.com');
    const r = fixText(before, 'r.yaml', restless);
    expect(r.text).toBe(before);
    expect(r.changes).toEqual([]);
    expect(r.problems).toEqual([expect.stringMatching(/^r\.yaml:1: not fixed: the fixed text would still need fixing/)]);
  });
});
