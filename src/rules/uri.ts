import { isIPv6 } from 'node:net';
import { parse as parseUri } from 'uri-js';

/**
 * What keeps a URI SAN from being the absolute URI the API asks for, or '' when nothing does. The API's
 * AbsoluteURI "MUST follow the URI syntax and encoding rules specified in RFC3986", "MUST include both a scheme
 * and a scheme-specific-part", and "URIs that include an authority MUST include a fully qualified domain name
 * or IP address as the host" (shared_types.go).
 *
 * uri-js parses it too, as it always has; it is lenient, measured: it takes spaces, `%zz`, raw non-ASCII, a
 * scheme starting with a digit, `[1:2:3]` as a host, and an empty host outside http(s) and ws(s). So the
 * RFC 3986 grammar is checked here too, component by component, with regexes that cannot backtrack.
 */
export function uriError(uri: string): string {
  const problem = grammarError(uri);
  if (problem) return problem;
  // the generic RFC 3986 parse: uri-js's scheme handlers add their own schemes' rules (its URN handler refuses
  // urn://host/path, which RFC 3986 allows), and the API asks for RFC 3986 alone
  const u = parseUri(uri, { scheme: GENERIC });
  return u.error ? `does not parse (${u.error})` : '';
}

/** a scheme no uri-js handler is registered for */
const GENERIC = 'x-btls-generic';

function grammarError(uri: string): string {
  // RFC 3986 appendix B: splits any string into its five components
  const m = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s.exec(uri)!;
  const [, scheme, authority, path, query, fragment] = m;
  if (scheme === undefined) return 'has no scheme';
  if (!/^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme)) return `has the scheme "${scheme}": a scheme starts with a letter and holds letters, digits, '+', '-' and '.'`;
  const stray = /[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/u.exec(uri);
  if (stray) return `holds ${JSON.stringify(stray[0])}, which a URI must percent-encode`;
  if (/%(?![0-9A-Fa-f]{2})/.test(uri)) return "has a '%' that is not followed by two hexadecimal digits";
  if (authority === undefined && path === '') return 'has nothing after the scheme (no scheme-specific part)';
  if (authority !== undefined) {
    const problem = authorityError(authority);
    if (problem) return problem;
  }
  if (!/^[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*$/.test(path)) return 'has a path with "[" or "]", which only an IP literal host may hold';
  for (const part of [query, fragment]) {
    if (part !== undefined && !/^[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*$/.test(part)) return 'has a query or fragment with "[", "]" or "#"';
  }
  return '';
}

function authorityError(authority: string): string {
  const at = authority.lastIndexOf('@');
  const userinfo = at < 0 ? '' : authority.slice(0, at);
  const hostPort = authority.slice(at + 1);
  if (!/^[A-Za-z0-9\-._~%!$&'()*+,;=:]*$/.test(userinfo)) return 'has user information with characters it may not hold';
  let host: string;
  let port: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return 'has an IP literal host without its closing "]"';
    host = hostPort.slice(0, close + 1);
    const rest = hostPort.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return `has ${JSON.stringify(rest)} after its IP literal host`;
    port = rest === '' ? undefined : rest.slice(1);
    const literal = host.slice(1, -1);
    // RFC 3986's ABNF literals are case-insensitive: "v" or "V"
    if (!isIPv6(literal) && !/^[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$/.test(literal)) return `has the host ${host}, which is not an IPv6 address`;
  } else {
    const colon = hostPort.indexOf(':');
    host = colon < 0 ? hostPort : hostPort.slice(0, colon);
    port = colon < 0 ? undefined : hostPort.slice(colon + 1);
    if (!/^[A-Za-z0-9\-._~%!$&'()*+,;=]*$/.test(host)) return `has the host ${JSON.stringify(host)}, with characters a host may not hold`;
  }
  if (host === '') return 'has an authority without a host; the API asks for a fully qualified domain name or an IP address there';
  if (port !== undefined && !/^[0-9]*$/.test(port)) return `has the port ${JSON.stringify(port)}, which is not a number`;
  return '';
}
