import { createServer, type Server } from 'node:https';
import { connect } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createCA, createServingCert, type PemPair } from '../../src/certs/pki.js';

/** Resolves with the handshake's outcome: 'ok' or the error code Node gives. */
function handshake(port: number, ca: string, servername: string | undefined): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ca: [ca], servername, minVersion: 'TLSv1.2' }, () => {
      socket.end();
      resolve('ok');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('a serving certificate in a real TLS handshake', () => {
  let ca: PemPair;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    ca = createCA({ commonName: 'handshake CA', days: 1 });
    const serving = createServingCert(ca, {
      commonName: 'localhost',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      days: 1,
    });
    server = createServer({ cert: serving.certPem, key: serving.keyPem }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('succeeds for localhost with the CA as the only trusted root', async () => {
    await expect(handshake(port, ca.certPem, 'localhost')).resolves.toBe('ok');
  });

  it('succeeds for 127.0.0.1 (IP SAN) when no server name is sent', async () => {
    await expect(handshake(port, ca.certPem, undefined)).resolves.toBe('ok');
  });

  it('fails for a name the certificate does not carry', async () => {
    await expect(handshake(port, ca.certPem, 'wrong.example')).resolves.toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('fails when the client trusts another CA', async () => {
    const other = createCA({ commonName: 'other CA', days: 1 });
    await expect(handshake(port, other.certPem, 'localhost')).resolves.toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });
});
