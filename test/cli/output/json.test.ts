import { create } from '../../../src/cli/output/json.js';
import { buffer, render } from './sample.js';

describe('json output', () => {
  it('writes the findings, errors and summary contract in one document', () => {
    const out = buffer();
    render(create(out));
    expect(out.text).toBe(`{
  "findings": [
    {
      "source": {
        "file": "deploy/a.yaml",
        "line": 12,
        "column": 5
      },
      "object": {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "BackendTLSPolicy",
        "namespace": "shop",
        "name": "cart<&>"
      },
      "rule": "crd-subject-alt-names-max-items",
      "field": "spec.validation.subjectAltNames",
      "message": "Too many: 6: must have at most 5 items",
      "severity": "deny"
    },
    {
      "source": {
        "file": "deploy/a.yaml",
        "line": 14,
        "column": 5
      },
      "object": {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "BackendTLSPolicy",
        "namespace": "shop",
        "name": "cart<&>"
      },
      "rule": "well-known-ca-system",
      "field": "spec.validation.wellKnownCACertificates",
      "message": "Unsupported value: \\"Other\\": \\"only System is defined\\"",
      "severity": "warn"
    }
  ],
  "errors": [
    {
      "source": {
        "file": "deploy/b.yaml",
        "line": 3,
        "column": 7
      },
      "message": "YAML syntax error: unexpected end of the stream"
    }
  ],
  "summary": {
    "objects": 3,
    "policies": 2,
    "denied": 1,
    "warnings": 1,
    "errors": 1
  }
}
`);
  });

  it('writes empty lists on a clean run', () => {
    const out = buffer();
    render(create(out), []);
    expect(JSON.parse(out.text)).toEqual({ findings: [], errors: [], summary: { objects: 0, policies: 0, denied: 0, warnings: 0, errors: 0 } });
  });
});
