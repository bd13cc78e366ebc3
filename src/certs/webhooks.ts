import { dump, loadAll } from 'js-yaml';

/** How the rendered configurations point the apiserver at the webhook. */
export type WebhookEndpoint =
  | { kind: 'service'; name: string; namespace: string }
  /** `clientConfig.url`; each webhook's `service.path` from the template is appended to the URL's path. */
  | { kind: 'url'; url: URL };

const WEBHOOK_KINDS = new Set(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);
const NAMESPACE_LABEL = 'kubernetes.io/metadata.name';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Fills `caBundle` into every webhook of the Validating/MutatingWebhookConfigurations in `templateYaml` (the
 * multi-document text of manifests/base/webhooks.yaml) and points `clientConfig` at `endpoint`. Other documents are
 * dropped: the output is meant for `kubectl apply -f`. Throws when the template holds no webhook configuration.
 */
export function renderWebhooks(templateYaml: string, bundle: string, endpoint: WebhookEndpoint): string {
  const docs = loadAll(templateYaml).filter(isObj).filter((d) => WEBHOOK_KINDS.has(String(d['kind'])));
  if (docs.length === 0) throw new Error('no ValidatingWebhookConfiguration or MutatingWebhookConfiguration found');
  for (const doc of docs) {
    const webhooks = doc['webhooks'];
    if (!Array.isArray(webhooks) || webhooks.length === 0) {
      throw new Error(`${String(doc['kind'])} has no webhooks`);
    }
    for (const hook of webhooks) {
      if (!isObj(hook)) throw new Error(`${String(doc['kind'])}: a webhook is not a mapping`);
      renderWebhook(hook, bundle, endpoint);
    }
  }
  return docs.map((d) => dump(d, { lineWidth: -1, noRefs: true })).join('---\n');
}

function renderWebhook(hook: Obj, bundle: string, endpoint: WebhookEndpoint): void {
  const old = isObj(hook['clientConfig']) ? hook['clientConfig'] : {};
  const oldService = isObj(old['service']) ? old['service'] : {};
  if (endpoint.kind === 'service') {
    const oldNamespace = oldService['namespace'];
    hook['clientConfig'] = { service: { ...oldService, name: endpoint.name, namespace: endpoint.namespace }, caBundle: bundle };
    // the webhook must never judge its own namespace (it could not start again after a bad rollout); keep the
    // exclusion pointing at wherever the Service now lives
    if (typeof oldNamespace === 'string') retargetNamespaceExclusion(hook, oldNamespace, endpoint.namespace);
    return;
  }
  const path = typeof oldService['path'] === 'string' ? oldService['path'] : '';
  const base = endpoint.url.href.replace(/\/+$/, '');
  hook['clientConfig'] = { url: `${base}${path}`, caBundle: bundle };
}

function retargetNamespaceExclusion(hook: Obj, from: string, to: string): void {
  const selector = hook['namespaceSelector'];
  if (!isObj(selector) || !Array.isArray(selector['matchExpressions'])) return;
  for (const expr of selector['matchExpressions']) {
    if (!isObj(expr) || expr['key'] !== NAMESPACE_LABEL || expr['operator'] !== 'NotIn') continue;
    if (!Array.isArray(expr['values'])) continue;
    expr['values'] = [...new Set(expr['values'].map((v) => (v === from ? to : v)))];
  }
}
