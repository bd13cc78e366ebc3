import { artifactUri, create } from '../../../src/cli/output/sarif.js';
import { buffer, render } from './sample.js';

describe('sarif output', () => {
  it('writes a SARIF 2.1.0 run with the rules seen and one result per finding', () => {
    const out = buffer();
    render(create(out, { version: '1.2.3' }));
    expect(out.text).toBe(`{
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": {
        "driver": {
          "name": "btls",
          "version": "1.2.3",
          "informationUri": "https://gateway-api.sigs.k8s.io/api-types/backendtlspolicy/",
          "rules": [
            {
              "id": "crd-subject-alt-names-max-items"
            },
            {
              "id": "well-known-ca-system"
            }
          ]
        }
      },
      "invocations": [
        {
          "executionSuccessful": false,
          "toolExecutionNotifications": [
            {
              "level": "error",
              "message": {
                "text": "YAML syntax error: unexpected end of the stream"
              },
              "locations": [
                {
                  "physicalLocation": {
                    "artifactLocation": {
                      "uri": "deploy/b.yaml"
                    },
                    "region": {
                      "startLine": 3,
                      "startColumn": 7
                    }
                  }
                }
              ]
            }
          ]
        }
      ],
      "results": [
        {
          "ruleId": "crd-subject-alt-names-max-items",
          "ruleIndex": 0,
          "level": "error",
          "message": {
            "text": "spec.validation.subjectAltNames: Too many: 6: must have at most 5 items"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "deploy/a.yaml"
                },
                "region": {
                  "startLine": 12,
                  "startColumn": 5
                }
              },
              "logicalLocations": [
                {
                  "name": "cart<&>",
                  "fullyQualifiedName": "BackendTLSPolicy/shop/cart<&>",
                  "kind": "resource"
                }
              ]
            }
          ]
        },
        {
          "ruleId": "well-known-ca-system",
          "ruleIndex": 1,
          "level": "warning",
          "message": {
            "text": "spec.validation.wellKnownCACertificates: Unsupported value: \\"Other\\": \\"only System is defined\\""
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "deploy/a.yaml"
                },
                "region": {
                  "startLine": 14,
                  "startColumn": 5
                }
              },
              "logicalLocations": [
                {
                  "name": "cart<&>",
                  "fullyQualifiedName": "BackendTLSPolicy/shop/cart<&>",
                  "kind": "resource"
                }
              ]
            }
          ]
        }
      ]
    }
  ]
}
`);
  });

  it('turns paths into artifact URIs', () => {
    expect(artifactUri('deploy/my app/a.yaml')).toBe('deploy/my%20app/a.yaml');
    expect(artifactUri('/abs/a.yaml')).toBe('file:///abs/a.yaml');
  });
});
