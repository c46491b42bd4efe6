import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueServerCertificate, LOOPBACK_NAMES } from './certificates';
import { CA_FILES, CertificateAuthorityError, defaultCaDir, ensureCertificateAuthority, ensureServerCertificate, serverNames } from './local-ca';

jest.setTimeout(30_000);

const DAY = 86_400_000;
const fresh = () => join(mkdtempSync(join(tmpdir(), 'mockgraph-ca-')), 'ca');
const mode = (path: string) => statSync(path).mode & 0o777;

describe('the local CA folder', () => {
  test('is created once, 0700 with a 0600 key, and reused on the next call', () => {
    const dir = fresh();
    const first = ensureCertificateAuthority(dir);
    expect(first).toMatchObject({ dir, certFile: join(dir, 'ca.crt'), created: true });
    expect([mode(dir), mode(join(dir, CA_FILES.caKey)), mode(join(dir, CA_FILES.caCert))]).toEqual([0o700, 0o600, 0o644]);
    const second = ensureCertificateAuthority(dir);
    expect(second.created).toBe(false);
    expect(second.pair).toEqual(first.pair);
    expect(readFileSync(first.certFile, 'utf8')).toBe(first.pair.cert);
  });

  test('a server certificate is issued once, reused, and re-issued when it expires, lacks a name or has another key', () => {
    const dir = fresh();
    const names = serverNames('127.0.0.1', []);
    const issued = ensureServerCertificate(dir, names);
    expect(issued.issuedBecause).toBe('there was none');
    expect(mode(join(dir, CA_FILES.serverKey))).toBe(0o600);
    const ca = new X509Certificate(issued.authority.pair.cert);
    expect(new X509Certificate(issued.cert).checkIssued(ca)).toBe(true);

    const reused = ensureServerCertificate(dir, names);
    expect([reused.issuedBecause, reused.cert, reused.authority.created]).toEqual([undefined, issued.cert, false]);

    const named = ensureServerCertificate(dir, serverNames('sandbox.test', []));
    expect(named.issuedBecause).toBe('it does not name sandbox.test');
    expect(new X509Certificate(named.cert).checkHost('sandbox.test')).toBe('sandbox.test');
    expect(readFileSync(join(dir, CA_FILES.serverCert), 'utf8')).toBe(named.cert);

    // A key that is not the certificate's (a half-copied folder, a hand edit).
    writeFileSync(join(dir, CA_FILES.serverKey), issued.authority.pair.key);
    expect(ensureServerCertificate(dir, names).issuedBecause).toBe('its key does not match it');

    const later = ensureServerCertificate(dir, names, () => new Date(Date.now() + 400 * DAY));
    expect(later.issuedBecause).toMatch(/^it expires on /);
    expect(later.authority.pair.cert).toBe(issued.authority.pair.cert);
  });

  test('an expired server certificate on disk is replaced', () => {
    const dir = fresh();
    const ca = ensureCertificateAuthority(dir);
    const old = issueServerCertificate(ca.pair, LOOPBACK_NAMES, new Date(Date.now() - 500 * DAY));
    writeFileSync(join(dir, CA_FILES.serverCert), old.cert);
    writeFileSync(join(dir, CA_FILES.serverKey), old.key);
    const renewed = ensureServerCertificate(dir, [...LOOPBACK_NAMES]);
    expect(renewed.issuedBecause).toMatch(/^it expires on /);
    expect(Date.parse(new X509Certificate(renewed.cert).validTo)).toBeGreaterThan(Date.now() + 300 * DAY);
  });

  test('a folder or key open to others is closed; a stale lock is taken over', () => {
    const dir = fresh();
    ensureCertificateAuthority(dir);
    chmodSync(dir, 0o755);
    chmodSync(join(dir, CA_FILES.caKey), 0o644);
    writeFileSync(join(dir, '.lock'), '');
    const old = new Date(Date.now() - 5 * 60_000);
    utimesSync(join(dir, '.lock'), old, old);
    expect(ensureCertificateAuthority(dir).created).toBe(false);
    expect([mode(dir), mode(join(dir, CA_FILES.caKey))]).toEqual([0o700, 0o600]);
  });

  test('a CA without its key stops with a reason instead of replacing a trusted certificate', () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, CA_FILES.caCert), 'x');
    expect(() => ensureCertificateAuthority(dir)).toThrow(CertificateAuthorityError);
    expect(() => ensureCertificateAuthority(dir)).toThrow(`the local CA in ${dir} is incomplete (ca.crt or ca.key is missing): delete the folder to create a new CA, and trust the new one`);
  });
});

describe('where the CA lives and what the server certificate names', () => {
  test('$XDG_DATA_HOME/mockgraph/ca when XDG_DATA_HOME is absolute, else ~/.local/share/mockgraph/ca', () => {
    expect(defaultCaDir('/data/xdg', '/home/dev')).toBe('/data/xdg/mockgraph/ca');
    expect(defaultCaDir('relative', '/home/dev')).toBe('/home/dev/.local/share/mockgraph/ca');
    expect(defaultCaDir(undefined, '/home/dev')).toBe('/home/dev/.local/share/mockgraph/ca');
  });

  test('loopback names, plus --host and --allowed-hosts when they name a host', () => {
    expect(serverNames('127.0.0.1', [])).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(serverNames('0.0.0.0', ['*'])).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(serverNames('Sandbox.Test', ['ci.test:8443', '*.preview.test'])).toEqual(['localhost', '127.0.0.1', '::1', 'sandbox.test', 'ci.test', '*.preview.test']);
    expect(serverNames('192.168.1.20', [])).toEqual(['localhost', '127.0.0.1', '::1', '192.168.1.20']);
    expect(serverNames('fe80::1%eth0', [])).toEqual(['localhost', '127.0.0.1', '::1', 'fe80::1']);
    expect(serverNames('::', [])).toEqual(['localhost', '127.0.0.1', '::1']);
  });
});
