import { uriError } from '../../src/rules/uri.js';

describe('URI SANs as the API defines an absolute URI (RFC 3986, a host where there is an authority)', () => {
  it.each([
    'spiffe://cluster.local/ns/default/sa/backend',
    'spiffe://example.org:8443/ns/a%20b?x=1#frag',
    'https://[fe80::1]:443/p',
    'https://[v1.fe80::a+en1]/p',
    'http://[V1.x]/',
    'urn://example.org/x',
    'http://[fe80::1%25en0]/',
    'https://user:pw@example.org/',
    'urn:example:animal:ferret:nose',
    'mailto:someone@example.org',
    "https://example.org/!$&'()*+,;=:@~",
  ])('admits %s', (uri) => {
    expect(uriError(uri)).toBe('');
  });

  it.each([
    ['https://', 'has an authority without a host'],
    ['spiffe:///ns/default/sa/backend', 'has an authority without a host'],
    ['spiffe://:8443/ns/default', 'has an authority without a host'],
    ['spiffe://@/x', 'has an authority without a host'],
    ['spiffe://example.org/ns/my backend', 'holds " ", which a URI must percent-encode'],
    ['spiffe://example.org/ns/%zz', "has a '%' that is not followed by two hexadecimal digits"],
    ['spiffe://example.org/ns/%4', "has a '%' that is not followed by two hexadecimal digits"],
    ['1spiffe://example.org/x', 'has the scheme "1spiffe"'],
    ['https://[1:2:3]/', 'has the host [1:2:3], which is not an IPv6 address'],
    ['https://[fe80::1/', 'has an IP literal host without its closing "]"'],
    ['https://[fe80::1]x/', 'after its IP literal host'],
    ['https://[fe80::1]/ü', 'holds "ü", which a URI must percent-encode'],
    ['https://example.org:80a/', 'has the port "80a"'],
    ['https://example.org/a[b]', 'has a path with "[" or "]"'],
    ['https://example.org/?q=[1]', 'has a query or fragment'],
    ['https://example.org/`', 'holds "`"'],
    ['https://example.org/a|b', 'holds "|"'],
    ['https://example.org/^', 'holds "^"'],
    ['https://example.org/{x}', 'holds "{"'],
    ['https://example.org/a\\b', 'holds "\\\\"'],
    ['no-scheme-here', 'has no scheme'],
    ['spiffe:', 'has nothing after the scheme'],
  ])('refuses %s: %s', (uri, why) => {
    expect(uriError(uri)).toContain(why);
  });

  it('takes time linear in the length, whatever the characters', () => {
    // regexes that could backtrack would run into jest's timeout here: a guard on their shape, not a timing goal
    for (const c of [':', '%', '[', '@', 'a:']) expect(typeof uriError(`spiffe://${c.repeat(50_000)}`)).toBe('string');
  });
});
