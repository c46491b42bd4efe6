import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { KeyPair } from './certificates';

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${what} ${file} cannot be read: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message}`);
  }
}

/**
 * The pair given with `--tls-cert FILE --tls-key FILE` (PEM; the certificate file may hold its chain after it),
 * checked before the server starts: both readable, a certificate, an unencrypted private key, and the key is the
 * certificate's. Throws an Error whose message is one line naming the file.
 */
export function readKeyPair(certFile: string, keyFile: string): KeyPair {
  const cert = readText(certFile, '--tls-cert');
  const key = readText(keyFile, '--tls-key');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new Error(`--tls-cert ${certFile} is not a PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new Error(`--tls-key ${keyFile} is not an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)`);
  }
  if (!x509.checkPrivateKey(privateKey)) throw new Error(`--tls-key ${keyFile} is not the key of --tls-cert ${certFile}: they do not match`);
  return { cert, key };
}
