import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';

/**
 * Guards the deployment manifests: each setting checked here is one the issue asks for, so that a later edit
 * that drops it (a root container, a missing probe, a webhook that fails open) fails the suite.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'manifests');
const NAMESPACE = 'btls-system';

// deliberately loose: the assertions below say what must be there
type Doc = any;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(name) ? [p] : [];
  });
}

const files = yamlFiles(ROOT);
const docsByFile = new Map(files.map((f) => [relative(ROOT, f), loadAll(readFileSync(f, 'utf8')).filter((d) => d != null) as Doc[]]));
const resources = [...docsByFile.entries()]
  .filter(([f]) => !f.endsWith('kustomization.yaml'))
  .flatMap(([, docs]) => docs);
const base = (f: string): Doc[] => docsByFile.get(join('base', f)) ?? [];
const one = (kind: string, name: string): Doc => {
  const found = resources.filter((d) => d.kind === kind && d.metadata?.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};

const deployment = (): Doc => one('Deployment', 'btls');
const podSpec = (): Doc => deployment().spec.template.spec;
const container = (): Doc => podSpec().containers[0];
const webhookConfigs = (): Doc[] => base('webhooks.yaml');

describe('every file of manifests/', () => {
  it.each(files.map((f) => [relative(ROOT, f)]))('%s parses and every object has apiVersion, kind and a name', (f) => {
    const docs = docsByFile.get(f) ?? [];
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) {
      expect(typeof d.apiVersion).toBe('string');
      expect(typeof d.kind).toBe('string');
      if (d.kind !== 'Kustomization') expect(typeof d.metadata?.name).toBe('string');
    }
  });

  it('puts every namespaced object of the webhook in btls-system', () => {
    const clusterScoped = new Set(['Namespace', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ClusterRole', 'ClusterRoleBinding']);
    for (const d of resources.filter((r) => !clusterScoped.has(r.kind))) expect(`${d.kind}/${d.metadata.name}: ${d.metadata.namespace}`).toBe(`${d.kind}/${d.metadata.name}: ${NAMESPACE}`);
  });

  it('lists in base/kustomization.yaml every base file, and only files that exist', () => {
    const listed: string[] = docsByFile.get(join('base', 'kustomization.yaml'))?.[0].resources ?? [];
    const present = readdirSync(join(ROOT, 'base')).filter((n) => n.endsWith('.yaml') && n !== 'kustomization.yaml');
    expect([...listed].sort()).toEqual(present.sort());
  });

  it.each(['kustomization.yaml', join('cert-manager', 'kustomization.yaml')])('%s names resources that exist', (f) => {
    const k = docsByFile.get(f)?.[0];
    for (const r of k.resources as string[]) expect(existsSync(join(ROOT, dirname(f), r))).toBe(true);
  });
});

describe('the Namespace', () => {
  it('enforces the restricted Pod Security Standard', () => {
    expect(one('Namespace', NAMESPACE).metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});

describe('the Deployment', () => {
  it('runs two replicas that never drop below two ready during a rollout', () => {
    expect(deployment().spec.replicas).toBe(2);
    expect(deployment().spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it('spreads its pods over nodes, by topology spread and by pod anti-affinity', () => {
    const labels = deployment().spec.template.metadata.labels;
    const spread = podSpec().topologySpreadConstraints as Doc[];
    expect(spread.map((s) => s.topologyKey)).toContain('kubernetes.io/hostname');
    for (const s of spread) expect(s.labelSelector.matchLabels).toEqual(labels);
    const anti = podSpec().affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
    expect(anti.topologyKey).toBe('kubernetes.io/hostname');
    expect(anti.labelSelector.matchLabels).toEqual(labels);
    expect(deployment().spec.selector.matchLabels).toEqual(labels);
  });

  it('runs as user 65532, non-root, with the RuntimeDefault seccomp profile, at pod and container level', () => {
    for (const sc of [podSpec().securityContext, container().securityContext]) {
      expect(sc.runAsNonRoot).toBe(true);
      expect(sc.runAsUser).toBe(65532);
      expect(sc.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    }
  });

  it('has a read-only root filesystem, no privilege escalation and no capabilities', () => {
    const sc = container().securityContext;
    expect(sc.readOnlyRootFilesystem).toBe(true);
    expect(sc.allowPrivilegeEscalation).toBe(false);
    expect(sc.privileged).not.toBe(true);
    expect(sc.capabilities.drop).toEqual(['ALL']);
    expect(sc.capabilities.add).toBeUndefined();
    expect(podSpec().hostNetwork).not.toBe(true);
  });

  it('mounts no service account token, since the webhook never calls the API', () => {
    expect(podSpec().automountServiceAccountToken).toBe(false);
    expect(one('ServiceAccount', podSpec().serviceAccountName).automountServiceAccountToken).toBe(false);
  });

  it('probes readiness on /readyz and liveness on /healthz over HTTPS on 8443', () => {
    const port = container().ports.find((p: Doc) => p.containerPort === 8443);
    expect(port).toBeDefined();
    for (const [probe, path] of [[container().readinessProbe, '/readyz'], [container().livenessProbe, '/healthz']]) {
      expect(probe.httpGet.path).toBe(path);
      expect(probe.httpGet.scheme).toBe('HTTPS');
      expect([8443, port.name]).toContain(probe.httpGet.port);
    }
  });

  it('lets endpoints drop the pod before it closes, within the grace period', () => {
    const args: string[] = container().args;
    const delay = Number(args[args.indexOf('--shutdown-delay') + 1]);
    expect(delay).toBeGreaterThan(0);
    // the delay, then up to 20 s for in-flight reviews (src/server/main.ts) before connections are cut
    expect(podSpec().terminationGracePeriodSeconds).toBeGreaterThanOrEqual(delay + 20);
  });

  it('requests and limits CPU and memory', () => {
    const r = container().resources;
    for (const k of ['requests', 'limits']) {
      expect(r[k].cpu).toBeDefined();
      expect(r[k].memory).toBeDefined();
    }
  });

  it('serves with the TLS Secret mounted read-only at /etc/btls/tls', () => {
    expect(container().args).toEqual([
      'serve', '--host', '0.0.0.0', '--port', '8443', '--tls-cert', '/etc/btls/tls/tls.crt', '--tls-key', '/etc/btls/tls/tls.key', '--shutdown-delay', '5',
    ]);
    const mount = container().volumeMounts.find((m: Doc) => m.mountPath === '/etc/btls/tls');
    expect(mount.readOnly).toBe(true);
    const volume = podSpec().volumes.find((v: Doc) => v.name === mount.name);
    expect(volume.secret.secretName).toBe('btls-tls');
    // the key must not be world-readable inside the pod
    expect(volume.secret.defaultMode & 0o007).toBe(0);
  });
});

describe('the Service and the PodDisruptionBudget', () => {
  it('sends port 443 to the container port 8443 of the webhook pods', () => {
    const svc = one('Service', 'btls');
    const port = svc.spec.ports[0];
    expect(port.port).toBe(443);
    const target = container().ports.find((p: Doc) => p.name === port.targetPort || p.containerPort === port.targetPort);
    expect(target.containerPort).toBe(8443);
    expect(deployment().spec.template.metadata.labels).toMatchObject(svc.spec.selector);
  });

  it('keeps at least one webhook pod through voluntary disruptions', () => {
    const pdb = one('PodDisruptionBudget', 'btls');
    expect(pdb.spec.minAvailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(deployment().spec.selector.matchLabels);
  });
});

describe('the webhook RBAC', () => {
  it('grants nothing: the only Role of the webhook has no rules', () => {
    const roles = base('rbac.yaml').filter((d) => d.kind === 'Role' || d.kind === 'ClusterRole');
    expect(roles.map((r) => r.metadata.name)).toEqual(['btls-webhook']);
    expect(roles[0].rules).toEqual([]);
  });

  it('binds the Role to the ServiceAccount the pods run as', () => {
    const binding = one('RoleBinding', 'btls-webhook');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'btls-webhook' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: podSpec().serviceAccountName, namespace: NAMESPACE }]);
  });
});

describe('the webhook configurations', () => {
  const hooks = (): Array<[string, Doc]> => webhookConfigs().flatMap((c) => c.webhooks.map((h: Doc) => [c.kind, h]));

  it('are btls-validate and btls-mutate, one webhook each', () => {
    expect(webhookConfigs().map((c) => `${c.kind}/${c.metadata.name}/${c.webhooks.map((h: Doc) => h.name).join()}`)).toEqual([
      'ValidatingWebhookConfiguration/btls-validate/validate.btls.gateway.networking.k8s.io',
      'MutatingWebhookConfiguration/btls-mutate/mutate.btls.gateway.networking.k8s.io',
    ]);
  });

  it('speak AdmissionReview v1, have no side effects, fail closed within 5 s and match equivalent versions', () => {
    for (const [, h] of hooks()) {
      expect(h.admissionReviewVersions).toEqual(['v1']);
      expect(h.sideEffects).toBe('None');
      expect(h.failurePolicy).toBe('Fail');
      expect(h.timeoutSeconds).toBe(5);
      expect(h.matchPolicy).toBe('Equivalent');
    }
  });

  it('judge CREATE and UPDATE of backendtlspolicies in gateway.networking.k8s.io, nothing else', () => {
    for (const [, h] of hooks()) {
      expect(h.rules).toHaveLength(1);
      expect(h.rules[0].apiGroups).toEqual(['gateway.networking.k8s.io']);
      expect(h.rules[0].resources).toEqual(['backendtlspolicies']);
      expect([...h.rules[0].operations].sort()).toEqual(['CREATE', 'UPDATE']);
    }
  });

  it("exclude the webhook's own namespace", () => {
    for (const [, h] of hooks()) {
      expect(h.namespaceSelector.matchExpressions).toContainEqual({ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [NAMESPACE] });
    }
  });

  it('call the btls Service on /validate and /mutate, with a placeholder caBundle that says what to do', () => {
    for (const [kind, h] of hooks()) {
      const path = kind === 'ValidatingWebhookConfiguration' ? '/validate' : '/mutate';
      expect(h.clientConfig.service).toEqual({ name: 'btls', namespace: NAMESPACE, path, port: 443 });
      expect(Buffer.from(h.clientConfig.caBundle, 'base64').toString('utf8')).toMatch(/placeholder.*btls certs/);
    }
  });
});

describe('the cert-manager variant', () => {
  const certs = (): Doc[] => docsByFile.get(join('cert-manager', 'certificates.yaml')) ?? [];
  const kustomization = (): Doc => docsByFile.get(join('cert-manager', 'kustomization.yaml'))?.[0];

  it('issues the serving certificate into the Secret the Deployment mounts, for the Service name', () => {
    const serving = certs().find((d) => d.kind === 'Certificate' && !d.spec.isCA);
    expect(serving.spec.secretName).toBe('btls-tls');
    expect(serving.spec.dnsNames).toContain(`btls.${NAMESPACE}.svc`);
    expect(serving.spec.usages).toContain('server auth');
    const issuer = certs().find((d) => d.kind === 'Issuer' && d.metadata.name === serving.spec.issuerRef.name);
    const ca = certs().find((d) => d.kind === 'Certificate' && d.spec.isCA);
    expect(issuer.spec.ca.secretName).toBe(ca.spec.secretName);
  });

  it('builds on the base and patches both webhook configurations to inject the CA of that certificate', () => {
    const k = kustomization();
    expect(k.resources).toEqual(expect.arrayContaining(['../base', 'certificates.yaml']));
    const serving = certs().find((d) => d.kind === 'Certificate' && !d.spec.isCA);
    const targets = (k.patches as Doc[]).map((p) => `${p.target.kind}/${p.target.name}`).sort();
    expect(targets).toEqual(['MutatingWebhookConfiguration/btls-mutate', 'ValidatingWebhookConfiguration/btls-validate']);
    for (const p of k.patches as Doc[]) {
      const ops = loadAll(p.patch)[0] as Doc[];
      expect(ops).toContainEqual({
        op: 'add',
        path: '/metadata/annotations',
        value: { 'cert-manager.io/inject-ca-from': `${NAMESPACE}/${serving.metadata.name}` },
      });
      // cainjector owns caBundle: applying the base again must not put the placeholder back
      expect(ops).toContainEqual({ op: 'remove', path: '/webhooks/0/clientConfig/caBundle' });
    }
  });
});

describe('the status writer Deployment', () => {
  const writer = (): Doc => one('Deployment', 'btls-status-writer');

  it('runs btls controller with leader election as the status writer ServiceAccount', () => {
    const spec = writer().spec.template.spec;
    expect(spec.serviceAccountName).toBe('btls-status-writer');
    expect(one('ServiceAccount', 'btls-status-writer')).toBeTruthy();
    expect(spec.containers[0].args).toEqual(expect.arrayContaining(['controller', '--leader-elect', '--controller-name']));
    expect(writer().spec.replicas).toBeGreaterThanOrEqual(2);
  });

  it('runs non-root on a read-only root filesystem without privilege escalation', () => {
    const c = writer().spec.template.spec.containers[0];
    expect(writer().spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.resources.limits.memory).toBeTruthy();
  });
});
