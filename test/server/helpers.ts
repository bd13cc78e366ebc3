/** Shared by the webhook suites: throwaway PKI, known-good objects, reviews, and a real HTTPS client. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createCA, createServingCert, type PemPair } from '../../src/certs/pki.js';
import { startServer, type RunningServer, type StartOptions } from '../../src/server/main.js';
import type { KubeObject, Operation } from '../../src/rules/types.js';

export interface TestPki {
  dir: string;
  ca: PemPair;
  caPem: string;
  certFile: string;
  keyFile: string;
}

/** A CA and a serving pair for 127.0.0.1 / localhost, written to a fresh temporary folder. */
export function makePki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'btls-webhook-'));
  const ca = createCA({ commonName: 'btls test CA', days: 1 });
  const serving = createServingCert(ca, { commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], days: 1 });
  const certFile = join(dir, 'tls-cert.pem');
  const keyFile = join(dir, 'tls-key.pem');
  writeFileSync(keyFile, serving.keyPem, { mode: 0o600 });
  writeFileSync(certFile, serving.certPem);
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  return { dir, ca, caPem: ca.certPem, certFile, keyFile };
}

/** A known-good BackendTLSPolicy (the Gateway API docs' example), deep-copied on each call. */
export function goodPolicy(): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'BackendTLSPolicy',
    metadata: { name: 'tls-upstream-dev', namespace: 'default' },
    spec: {
      targetRefs: [{ group: '', kind: 'Service', name: 'dev', sectionName: 'btls' }],
      validation: {
        caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'auth-cert' }],
        hostname: 'dev.example.com',
      },
    },
  };
}

/** A policy the default rule set denies twice: an IP as hostname and a wildcard SAN. */
export function badPolicy(): KubeObject {
  const p = goodPolicy();
  const spec = p.spec as { validation: Record<string, unknown> };
  spec.validation.hostname = '10.1.2.3';
  spec.validation.subjectAltNames = [{ type: 'Hostname', hostname: '*.example.com' }];
  return p;
}

export interface ReviewOptions {
  operation?: Operation;
  oldObject?: unknown;
  uid?: string;
  kind?: { group: string; version: string; kind: string };
  dryRun?: boolean;
  subResource?: string;
}

/** An AdmissionReview v1 request as kube-apiserver sends it. */
export function reviewOf(object: unknown, o: ReviewOptions = {}): Record<string, unknown> {
  const operation = o.operation ?? 'CREATE';
  const meta = (object as KubeObject | null)?.metadata ?? (o.oldObject as KubeObject | undefined)?.metadata ?? {};
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: o.uid ?? randomUUID(),
      kind: o.kind ?? { group: 'gateway.networking.k8s.io', version: 'v1', kind: 'BackendTLSPolicy' },
      resource: { group: 'gateway.networking.k8s.io', version: 'v1', resource: 'backendtlspolicies' },
      requestKind: o.kind ?? { group: 'gateway.networking.k8s.io', version: 'v1', kind: 'BackendTLSPolicy' },
      requestResource: { group: 'gateway.networking.k8s.io', version: 'v1', resource: 'backendtlspolicies' },
      ...(o.subResource ? { subResource: o.subResource } : {}),
      name: meta.name ?? '',
      namespace: meta.namespace ?? 'default',
      operation,
      userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
      object: operation === 'DELETE' ? null : object,
      oldObject: o.oldObject ?? null,
      dryRun: o.dryRun ?? false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: operation === 'UPDATE' ? 'UpdateOptions' : 'CreateOptions', fieldManager: 'kubectl-client-side-apply' },
    },
  };
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  ms: number;
}

export interface PostOptions {
  ca: string;
  method?: string;
  contentType?: string | null;
  body?: string | Buffer;
  timeoutMs?: number;
  /** send on this TLS connection, already established (see `tlsConnection`), instead of a fresh one */
  connection?: TLSSocket;
}

/**
 * A TLS connection to `url` that the server has accepted: its handshake is done on both sides, shown by one
 * GET /healthz answered on it (keep-alive). Tests of many large concurrent bodies open theirs first: otherwise
 * the server, busy with the first bodies on a loaded machine, can leave later handshakes past its handshake
 * timeout, and those connections are closed before they carry a request at all (the client sees EPIPE).
 */
export function tlsConnection(url: string, ca: string): Promise<TLSSocket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: u.hostname, port: Number(u.port), ca }, () => {
      socket.write(`GET /healthz HTTP/1.1\r\nHost: ${u.host}\r\n\r\n`);
    });
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      const headEnd = seen.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const length = Number(/content-length: *(\d+)/i.exec(seen.slice(0, headEnd))?.[1] ?? NaN);
      if (seen.length < headEnd + 4 + length) return;
      socket.off('data', onData);
      socket.off('error', reject);
      if (!seen.startsWith('HTTP/1.1 200')) return reject(new Error(`GET /healthz answered ${seen.slice(0, 40)}`));
      resolve(socket);
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/** One HTTPS request on a fresh connection (no agent, no session reuse), verifying the server against `ca`. */
export function call(url: string, o: PostOptions): Promise<HttpResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (o.contentType !== null) headers['content-type'] = o.contentType ?? 'application/json';
    if (o.body !== undefined) headers['content-length'] = Buffer.byteLength(o.body);
    // `agent: false` makes an agent of its own, which would open a new connection: no agent uses createConnection
    const connection = o.connection ? { agent: undefined, createConnection: () => o.connection! } : { agent: false as const };
    const req = httpsRequest(url, { method: o.method ?? (o.body !== undefined ? 'POST' : 'GET'), ca: o.ca, headers, ...connection }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, ms: Date.now() - started });
      });
      res.on('error', reject);
    });
    req.setTimeout(o.timeoutMs ?? 5000, () => req.destroy(new Error(`no answer within ${o.timeoutMs ?? 5000} ms`)));
    req.on('error', reject);
    if (o.body !== undefined) req.end(o.body);
    else req.end();
  });
}

export function postReview(url: string, ca: string, review: unknown): Promise<HttpResult> {
  return call(url, { ca, body: JSON.stringify(review) });
}

/** The patch of an AdmissionResponse, decoded. */
export function decodePatch(response: { patch?: string }): unknown {
  return response.patch === undefined ? undefined : JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8'));
}

import { loadEngine } from '../../src/rules/engine.js';
import type { Engine } from '../../src/rules/types.js';

let shared: Engine | undefined;
let withCrd: Engine | undefined;
/** What `btls serve` runs by default (the default rule set, the CRD's own rules left to the apiserver), compiled once per test file. */
export function testEngine(): Engine {
  shared ??= loadEngine({ crdRules: 'auto' });
  return shared;
}
/** The default rule set with the CRD's rules enforced (`btls serve --crd-rules enforce`). */
export function testEngineWithCrd(): Engine {
  withCrd ??= loadEngine({ crdRules: 'enforce' });
  return withCrd;
}

/** A server on an ephemeral loopback port with an engine that finds nothing and no certificate watching: for tests of the HTTP layer. */
export function startHttpLayer(pki: TestPki, options: Partial<StartOptions> = {}): Promise<RunningServer> {
  return startServer({
    engine: { ruleset: 'none', evaluate: () => [], mutate: () => [] },
    tls: { certFile: pki.certFile, keyFile: pki.keyFile, watch: false, pollIntervalMs: 0 },
    host: '127.0.0.1',
    port: 0,
    ...options,
  });
}
