import { buildReferenceIndex } from '../../src/cli/check/references.js';
import { parseManifests } from '../../src/manifests/parse.js';

describe('the reference index of btls check', () => {
  const { objects } = parseManifests(
    [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ca}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ca, namespace: shop}\ndata: {ca.crt: shop}',
      'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}',
      'apiVersion: example.com/v1\nkind: Service\nmetadata: {name: other}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ca, namespace: shop}\ndata: {ca.crt: later}',
    ].join('\n---\n'),
    'context.yaml',
  );
  const index = buildReferenceIndex(objects);

  it('finds a namespace-less ConfigMap in default', () => {
    expect(index.configMap('default', 'ca')?.metadata?.namespace).toBeUndefined();
    expect(index.configMap('default', 'missing')).toBeUndefined();
  });

  it('keeps namespaces apart, and the later of two copies of an object wins', () => {
    expect((index.configMap('shop', 'ca') as { data?: Record<string, string> }).data).toEqual({ 'ca.crt': 'later' });
    expect(index.service('shop', 'web')?.kind).toBe('Service');
    expect(index.service('default', 'web')).toBeUndefined();
  });

  it('takes only core ConfigMaps and Services', () => {
    expect(index.service('default', 'other')).toBeUndefined();
  });
});
