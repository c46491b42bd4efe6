/** A path as a POSIX shell word: bare when safe, else single-quoted. */
function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** What `mockgraph cert` prints: the CA certificate's path, what its key can do, and how to trust it, per platform. */
export function trustInstructions(ca: { certFile: string; keyFile: string; created: boolean; validTo: Date }): string {
  const path = shellWord(ca.certFile);
  return [
    `mockgraph's local certificate authority (${ca.created ? 'created now' : 'reused'}, valid until ${ca.validTo.toISOString().slice(0, 10)}):`,
    `  ${ca.certFile}`,
    '',
    '`mockgraph serve --https` presents a certificate signed by it for localhost, 127.0.0.1 and ::1 (and --host).',
    `Its private key, ${ca.keyFile} (mode 0600), can sign a certificate for any site: keep it private.`,
    'To stop trusting it, remove it from the stores below and delete its folder.',
    '',
    'Trust it:',
    '  Node.js (the Graph SDK, fetch, https); Node reads the variable only when it starts:',
    `    NODE_EXTRA_CA_CERTS=${path} node app.js`,
    '  Debian/Ubuntu (curl, wget, OpenSSL-based tools):',
    `    sudo cp ${path} /usr/local/share/ca-certificates/mockgraph-local-ca.crt && sudo update-ca-certificates`,
    '  macOS (Safari, Chrome, curl):',
    `    sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${path}`,
    '  Browsers with their own store: Chrome/Chromium on Linux',
    `    certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n 'mockgraph local CA' -i ${path}`,
    '  and Firefox: Settings > Privacy & Security > Certificates > View Certificates > Authorities > Import.',
    '  One curl command, without trusting it anywhere:',
    `    curl --cacert ${path} https://localhost:4000/_mockgraph/health`,
    '',
  ].join('\n');
}
