/** The valid BackendTLSPolicy the engine tests start from, changed by `patch`, and findings as `field: message`. */
export const policy = (patch: (p: any) => void = () => {}) => {
  const p: any = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'BackendTLSPolicy',
    metadata: { name: 'p', namespace: 'team-a' },
    spec: {
      targetRefs: [{ group: '', kind: 'Service', name: 'backend' }],
      validation: { hostname: 'backend.example.com', wellKnownCACertificates: 'System' },
    },
  };
  patch(p);
  return p;
};

export const strings = (fs: Array<{ field: string; message: string }>) => fs.map((f) => `${f.field}: ${f.message}`);
