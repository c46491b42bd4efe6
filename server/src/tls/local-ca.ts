import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { authorityProblem, issueCertificateAuthority, issueServerCertificate, LOOPBACK_NAMES, serverCertificateProblem } from './certificates';
import type { KeyPair } from './certificates';

/** The files of the CA folder: the CA (whose certificate users trust) and the server pair it signed. */
export const CA_FILES = { caCert: 'ca.crt', caKey: 'ca.key', serverCert: 'server.crt', serverKey: 'server.key' } as const;

/** How long a start-up waits for another mockgraph that is creating certificates in the same folder. */
const LOCK_WAIT_MS = 15_000;
/** A lock older than this was left by a process that died while holding it. */
const STALE_LOCK_MS = 60_000;

/** The local CA, ready to sign. */
export interface LocalAuthority {
  /** The folder that holds it. */
  dir: string;
  /** The CA certificate's path: what NODE_EXTRA_CA_CERTS and trust stores take. */
  certFile: string;
  pair: KeyPair;
  /** True when this call created it. */
  created: boolean;
}

/** A server certificate signed by the local CA, with what was done to get it. */
export interface LocalServerCertificate extends KeyPair {
  authority: LocalAuthority;
  /** Why a new certificate was issued (none was there, it expired, …); undefined when the stored one was reused. */
  issuedBecause: string | undefined;
}

/** Stops start-up: the CA folder cannot be used as it is. */
export class CertificateAuthorityError extends Error {}

/** The CA folder unless one is given: `$XDG_DATA_HOME/mockgraph/ca`, else `~/.local/share/mockgraph/ca` (the XDG default). */
export function defaultCaDir(xdgDataHome: string | undefined, home: string): string {
  // The XDG spec ignores a relative XDG_DATA_HOME. @see https://specifications.freedesktop.org/basedir-spec/latest/
  const base = xdgDataHome !== undefined && isAbsolute(xdgDataHome) ? xdgDataHome : join(home, '.local', 'share');
  return join(base, 'mockgraph', 'ca');
}

/** The DNS names and addresses a server certificate needs: loopback, and `--host` and `--allowed-hosts` when they name something. */
export function serverNames(host: string, allowedHosts: readonly string[]): string[] {
  const names: string[] = [...LOOPBACK_NAMES];
  const wildcard = ['0.0.0.0', '::', '[::]', '0', '*'];
  for (const raw of [host, ...allowedHosts]) {
    // `name:port` and `[v6]` are written as the bare name or address in a certificate.
    const bare = raw.startsWith('[') ? raw.slice(1, raw.indexOf(']')) : raw.includes(':') && raw.indexOf(':') === raw.lastIndexOf(':') ? raw.slice(0, raw.indexOf(':')) : raw;
    // A zone index (`fe80::1%eth0`) is local to this machine and has no place in a certificate.
    const name = bare.split('%')[0]!.toLowerCase();
    if (name !== '' && !wildcard.includes(name) && !names.includes(name)) names.push(name);
  }
  return names;
}

/** The folder, created 0700 and owned by this user; a folder open to others is closed to them. */
function prepareFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = statSync(dir);
  if (!stat.isDirectory()) throw new CertificateAuthorityError(`the CA folder ${dir} is not a folder`);
  // Another user's folder could hold a key they planted or can read.
  if (process.getuid !== undefined && stat.uid !== process.getuid()) throw new CertificateAuthorityError(`the CA folder ${dir} belongs to another user: choose another with --ca-dir`);
  if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** Writes through a temporary file and a rename, so a crash never leaves half a PEM file. */
function writeAtomically(file: string, text: string, mode: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, file);
}

function readPair(certFile: string, keyFile: string): KeyPair | undefined {
  if (!existsSync(certFile) || !existsSync(keyFile)) return undefined;
  // A key copied in with looser permissions is closed to other users, as ssh insists for its keys.
  if ((statSync(keyFile).mode & 0o077) !== 0) chmodSync(keyFile, 0o600);
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `work` holding the folder's lock file, so two servers starting at once never write a mismatched pair. */
function withFolderLock<T>(dir: string, work: () => T): T {
  const lock = join(dir, '.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Real time, not the injected clock: the lock is about processes running now.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) unlinkSync(lock);
      else if (Date.now() > deadline) throw new CertificateAuthorityError(`the CA folder ${dir} is locked by another mockgraph (delete ${lock} if none is starting)`);
      else sleep(50);
    }
  }
  try {
    return work();
  } finally {
    unlinkSync(lock);
  }
}

function owner(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    // A container user without a passwd entry has no name.
    return hostname();
  }
}

function authority(dir: string, now: Date): LocalAuthority {
  const certFile = join(dir, CA_FILES.caCert);
  const stored = readPair(certFile, join(dir, CA_FILES.caKey));
  if (stored === undefined && (existsSync(certFile) || existsSync(join(dir, CA_FILES.caKey)))) {
    throw new CertificateAuthorityError(`the local CA in ${dir} is incomplete (${CA_FILES.caCert} or ${CA_FILES.caKey} is missing): delete the folder to create a new CA, and trust the new one`);
  }
  if (stored !== undefined) {
    const problem = authorityProblem(stored, now);
    if (problem !== undefined) throw new CertificateAuthorityError(`the local CA in ${dir} cannot be used: ${problem}; delete the folder to create a new CA, and trust the new one`);
    return { dir, certFile, pair: stored, created: false };
  }
  const pair = issueCertificateAuthority(now, owner());
  // The key first: a certificate without its key would stop the next start-up.
  writeAtomically(join(dir, CA_FILES.caKey), pair.key, 0o600);
  writeAtomically(certFile, pair.cert, 0o644);
  return { dir, certFile, pair, created: true };
}

/** The local CA in `dir`, created once (folder 0700, key 0600) and reused after; throws CertificateAuthorityError. */
export function ensureCertificateAuthority(dir: string, now: () => Date = () => new Date()): LocalAuthority {
  prepareFolder(dir);
  return withFolderLock(dir, () => authority(dir, now()));
}

/**
 * A server certificate for `names` signed by the local CA in `dir` (created if needed): the stored one, or a new one
 * when it is missing, expired or expiring within a week, lacks a name, or was signed by another CA.
 */
export function ensureServerCertificate(dir: string, names: readonly string[], now: () => Date = () => new Date()): LocalServerCertificate {
  prepareFolder(dir);
  return withFolderLock(dir, () => {
    const ca = authority(dir, now());
    const certFile = join(dir, CA_FILES.serverCert);
    const keyFile = join(dir, CA_FILES.serverKey);
    const stored = readPair(certFile, keyFile);
    const problem = stored === undefined ? 'there was none' : serverCertificateProblem(stored, ca.pair, names, now());
    if (stored !== undefined && problem === undefined) return { ...stored, authority: ca, issuedBecause: undefined };
    const pair = issueServerCertificate(ca.pair, names, now());
    writeAtomically(keyFile, pair.key, 0o600);
    writeAtomically(certFile, pair.cert, 0o644);
    return { ...pair, authority: ca, issuedBecause: problem };
  });
}
