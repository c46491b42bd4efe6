import { createPrivateKey, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { authorityProblem, issueCertificateAuthority, issueServerCertificate, LOOPBACK_NAMES, serverCertificateProblem } from './certificates';

jest.setTimeout(30_000);

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

describe('certificates', () => {
  const ca = issueCertificateAuthority(NOW, 'dev@box');
  const server = issueServerCertificate(ca, LOOPBACK_NAMES, NOW);
  const caCert = new X509Certificate(ca.cert);
  const serverCert = new X509Certificate(server.cert);

  test('the CA is a self-signed CA certificate that may sign certificates', () => {
    expect(caCert.ca).toBe(true);
    expect(caCert.subject).toContain('CN=mockgraph local CA');
    expect(caCert.subject).toContain('OU=dev@box');
    expect(caCert.checkIssued(caCert) && caCert.verify(caCert.publicKey)).toBe(true);
    expect(caCert.checkPrivateKey(createPrivateKey(ca.key))).toBe(true);
    // node:crypto does not expose keyUsage bits; forge reads them from the DER.
    const usage = forge.pki.certificateFromPem(ca.cert).getExtension('keyUsage') as { keyCertSign?: boolean; critical?: boolean };
    expect(usage).toMatchObject({ keyCertSign: true, critical: true });
    expect(authorityProblem(ca, NOW)).toBeUndefined();
  });

  test('the server certificate names localhost, 127.0.0.1 and ::1, is for serverAuth only, and is signed by the CA', () => {
    expect(serverCert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect([serverCert.checkHost('localhost'), serverCert.checkIP('127.0.0.1'), serverCert.checkIP('::1')]).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(serverCert.ca).toBe(false);
    expect(serverCert.keyUsage).toEqual([SERVER_AUTH]);
    expect(serverCert.checkIssued(caCert)).toBe(true);
    expect(serverCert.verify(caCert.publicKey)).toBe(true);
    expect(serverCert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(serverCert.checkPrivateKey(createPrivateKey(server.key))).toBe(true);
    const days = (Date.parse(serverCert.validTo) - Date.parse(serverCert.validFrom)) / DAY;
    expect(days).toBeLessThanOrEqual(397);
    expect(Date.parse(serverCert.validFrom)).toBeLessThanOrEqual(NOW.getTime());
    expect(serverCertificateProblem(server, ca, LOOPBACK_NAMES, NOW)).toBeUndefined();
  });

  test('a server certificate must be re-issued when it lacks a name, is expiring, is signed by another CA or has another key', () => {
    expect(serverCertificateProblem(server, ca, [...LOOPBACK_NAMES, 'sandbox.test', '10.0.0.7'], NOW)).toBe('it does not name sandbox.test, 10.0.0.7');
    expect(serverCertificateProblem(server, ca, LOOPBACK_NAMES, new Date(NOW.getTime() + 392 * DAY))).toMatch(/^it expires on 2027-/);
    const otherCa = issueCertificateAuthority(NOW, 'dev@box');
    expect(serverCertificateProblem(server, otherCa, LOOPBACK_NAMES, NOW)).toBe('it is not signed by the local CA');
    expect(serverCertificateProblem({ cert: server.cert, key: ca.key }, ca, LOOPBACK_NAMES, NOW)).toBe('its key does not match it');
    expect(serverCertificateProblem({ cert: 'garbage', key: server.key }, ca, LOOPBACK_NAMES, NOW)).toMatch(/^it cannot be read/);
  });

  test('extra names go into subjectAltName as DNS names or IP addresses', () => {
    const named = new X509Certificate(issueServerCertificate(ca, [...LOOPBACK_NAMES, 'sandbox.test', '*.ci.test', '10.0.0.7'], NOW).cert);
    expect(named.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:sandbox.test, DNS:*.ci.test, IP Address:10.0.0.7');
    expect(named.checkHost('runner.ci.test')).toBe('*.ci.test');
  });

  test('a CA that expired, or whose key is not its own, cannot be used', () => {
    expect(authorityProblem(ca, new Date(NOW.getTime() + 3651 * DAY))).toMatch(/^it expired on 2036-/);
    expect(authorityProblem({ cert: ca.cert, key: server.key }, NOW)).toBe('its key does not match its certificate');
    expect(authorityProblem(server, NOW)).toBe('its certificate is not a CA certificate');
  });
});
