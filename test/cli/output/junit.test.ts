import { create, escapeXml } from '../../../src/cli/output/junit.js';
import { buffer, render } from './sample.js';

describe('junit output', () => {
  it('writes a testsuite per file, a testcase per policy and a failure per deny finding', () => {
    const out = buffer();
    render(create(out));
    expect(out.text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<testsuites name="btls check" tests="3" failures="1" errors="1">\n' +
        '  <testsuite name="deploy/a.yaml" tests="2" failures="1" errors="0">\n' +
        '    <testcase classname="deploy/a.yaml" name="BackendTLSPolicy shop/cart&lt;&amp;&gt;">\n' +
        '      <failure message="spec.validation.subjectAltNames: Too many: 6: must have at most 5 items" type="crd-subject-alt-names-max-items">deploy/a.yaml:12:5: deny: spec.validation.subjectAltNames: Too many: 6: must have at most 5 items [crd-subject-alt-names-max-items]</failure>\n' +
        '      <system-out>deploy/a.yaml:14:5: warn: spec.validation.wellKnownCACertificates: Unsupported value: &quot;Other&quot;: &quot;only System is defined&quot; [well-known-ca-system]</system-out>\n' +
        '    </testcase>\n' +
        '    <testcase classname="deploy/a.yaml" name="BackendTLSPolicy shop/ok"/>\n' +
        '  </testsuite>\n' +
        '  <testsuite name="deploy/b.yaml" tests="1" failures="0" errors="1">\n' +
        '    <testcase classname="deploy/b.yaml" name="deploy/b.yaml:3:7">\n' +
        '      <error message="YAML syntax error: unexpected end of the stream" type="input">deploy/b.yaml:3:7: error: YAML syntax error: unexpected end of the stream</error>\n' +
        '    </testcase>\n' +
        '  </testsuite>\n' +
        '</testsuites>\n',
    );
  });

  it('escapes markup and replaces characters XML cannot hold', () => {
    expect(escapeXml(`<a href='x'>"&"</a>\x00\x1b`)).toBe('&lt;a href=&apos;x&apos;&gt;&quot;&amp;&quot;&lt;/a&gt;\uFFFD\uFFFD');
  });
});
