import { join, resolve } from 'node:path';
import type { KeyPair } from '../tls/certificates';
import { prepareOutput } from './output-path';
import type { ServeSettings } from './settings';

/*
 * The certificate `serve --https` presents and the local CA `mockgraph cert` shows. The TLS modules (node-forge)
 * are required only here, when asked for: a plain `serve` does not load them. @see docs/performance.md
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tlsCa = () => require('../tls/local-ca') as typeof import('../tls/local-ca');

/** Where the per-user default CA folder is: `$XDG_DATA_HOME` and the home folder, as main.ts reads them. */
export interface UserFolders {
  xdgDataHome: string | undefined;
  home: string;
}

/** The CA folder: --ca-dir / MOCKGRAPH_CA_DIR / "caDir", else the per-user default, created; throws with a one-line reason. */
export function caFolder(given: string | undefined, user: UserFolders): string {
  const dir = resolve(given ?? tlsCa().defaultCaDir(user.xdgDataHome, user.home));
  prepareOutput('the CA folder', dir, 'folder');
  return dir;
}

/** Runs a step of the local CA, turning its failures into one line that names the folder. */
function inCaFolder<T>(dir: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    throw new Error(err instanceof tlsCa().CertificateAuthorityError ? err.message : `the CA folder ${dir}: ${(err as Error).message}`);
  }
}

/** The local CA in `dir`, created when there is none. */
export function localAuthority(dir: string): ReturnType<typeof import('../tls/local-ca').ensureCertificateAuthority> {
  return inCaFolder(dir, () => tlsCa().ensureCertificateAuthority(dir));
}

/** The certificate `serve --https` presents: the given pair, else one signed by the local CA (created once). */
export function serverTls(settings: ServeSettings, user: UserFolders, logNotice: (message: string) => void): { pair: KeyPair; described: string } {
  if (settings.tlsCert !== undefined && settings.tlsKey !== undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { readKeyPair } = require('../tls/key-pair') as typeof import('../tls/key-pair');
    return { pair: readKeyPair(settings.tlsCert, settings.tlsKey), described: `TLS certificate ${settings.tlsCert}` };
  }
  const dir = caFolder(settings.caDir, user);
  const { ensureServerCertificate, serverNames } = tlsCa();
  const issued = inCaFolder(dir, () => ensureServerCertificate(dir, serverNames(settings.host, settings.allowedHosts)));
  if (issued.authority.created) logNotice(`mockgraph: created a local certificate authority in ${dir}; clients must trust ${issued.authority.certFile} (see mockgraph cert)`);
  return { pair: issued, described: `TLS certificate from the local CA ${issued.authority.certFile} (to trust it: mockgraph cert)` };
}

/** What `mockgraph cert` prints of the CA in `dir`: how to trust it. */
export function trustText(dir: string, ca: ReturnType<typeof localAuthority>): string {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { trustInstructions } = require('./cert-text') as typeof import('./cert-text');
  const { X509Certificate } = require('node:crypto') as typeof import('node:crypto');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return trustInstructions({ certFile: ca.certFile, keyFile: join(dir, tlsCa().CA_FILES.caKey), created: ca.created, validTo: new Date(new X509Certificate(ca.pair.cert).validTo) });
}
