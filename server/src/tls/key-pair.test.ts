import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCertificateAuthority, issueServerCertificate, LOOPBACK_NAMES } from './certificates';
import { readKeyPair } from './key-pair';

jest.setTimeout(30_000);

describe('readKeyPair (--tls-cert / --tls-key)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockgraph-pair-'));
  const ca = issueCertificateAuthority(new Date(), 'dev@box');
  const pair = issueServerCertificate(ca, LOOPBACK_NAMES, new Date());
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const cert = file('cert.pem', pair.cert + ca.cert);
  const key = file('key.pem', pair.key);

  test('a matching pair is read as it is, chain included', () => {
    expect(readKeyPair(cert, key)).toEqual({ cert: pair.cert + ca.cert, key: pair.key });
  });

  test.each([
    ['a missing certificate', () => [join(dir, 'nope.pem'), key], `--tls-cert ${join(dir, 'nope.pem')} cannot be read: no such file`],
    ['a folder as the key', () => [cert, dir], `--tls-key ${dir} cannot be read: it is a folder`],
    ['a certificate that is not PEM', () => [file('junk.pem', 'hello'), key], 'is not a PEM certificate'],
    ['a key that is not PEM', () => [cert, file('junk.key', 'hello')], 'is not an unencrypted PEM private key'],
    ['an encrypted key', () => [cert, file('enc.key', generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey)], 'is not an unencrypted PEM private key'],
    ['the key of another certificate', () => [cert, file('ca.key', ca.key)], `--tls-key ${join(dir, 'ca.key')} is not the key of --tls-cert ${cert}: they do not match`],
  ])('%s is refused with one line', (_name, files, message) => {
    const [c, k] = files() as [string, string];
    expect(() => readKeyPair(c, k)).toThrow(message);
  });
});
