import { parseConfigFile } from './config-file';
import { resolveSettings, serveFlags, serveHelp, SETTINGS } from './settings';

const resolve = (flags: Record<string, string | boolean | string[]> = {}, env: Record<string, string> = {}, file?: Record<string, unknown>) =>
  resolveSettings({ flags, env, file, fileName: file ? 'mockgraph.config.json' : undefined });

describe('resolveSettings', () => {
  test('defaults', () => {
    expect(resolve()).toEqual({
      port: 4000, host: '127.0.0.1', https: false, tlsCert: undefined, tlsKey: undefined, caDir: undefined, auth: 'bearer', jwtSecret: undefined, validation: 'doc', seed: undefined, schemas: [], operations: [], data: undefined, tokenSecret: undefined, connectTimeout: 30, latency: undefined,
      failRate: 0, throttle: undefined, randomSeed: undefined, corsOrigin: [], allowedHosts: [], pageSize: 100, bodyLimit: 1048576,
      maxEntities: 100000, maxDataSize: 268435456, admin: true, adminToken: undefined, quiet: false,
    });
  });

  test('precedence: flags over MOCKGRAPH_* environment over the config file over defaults', () => {
    const file = { port: 1111, host: '0.0.0.0', auth: 'off', validation: 'metadata' };
    const env = { MOCKGRAPH_PORT: '2222', MOCKGRAPH_HOST: '::1', MOCKGRAPH_AUTH: 'jwt' };
    const s = resolve({ port: '3333', host: 'localhost' }, env, file);
    expect([s.port, s.host, s.auth, s.validation, s.pageSize]).toEqual([3333, 'localhost', 'jwt', 'metadata', 100]);
    expect(resolve({}, { PORT: '5000' }).port).toBe(5000);
    expect(resolve({}, { PORT: '5000', MOCKGRAPH_PORT: '6000' }).port).toBe(6000);
  });

  test('compound values parse from every source', () => {
    const s = resolve({ latency: '50-300', throttle: '10/60', 'cors-origin': ['https://a.example,https://b.example', 'https://c.example'], quiet: true }, { MOCKGRAPH_BODY_LIMIT: '512kb' }, { failRate: 0.25, admin: false });
    expect(s).toMatchObject({ latency: { min: 50, max: 300 }, throttle: { limit: 10, seconds: 60 }, corsOrigin: ['https://a.example', 'https://b.example', 'https://c.example'], quiet: true, bodyLimit: 524288, failRate: 0.25, admin: false });
  });

  test.each([
    [{ port: '70000' }, {}, undefined, '--port must be an integer from 0 to 65535'],
    [{ auth: 'basic' }, {}, undefined, '--auth must be one of bearer, jwt, off'],
    [{}, { MOCKGRAPH_FAIL_RATE: '2' }, undefined, 'MOCKGRAPH_FAIL_RATE must be a probability from 0 to 1'],
    [{}, {}, { latency: '300-50' }, 'mockgraph.config.json: "latency" must be MIN-MAX milliseconds'],
    [{ throttle: '10' }, {}, undefined, '--throttle must be N/SECONDS'],
    [{ 'jwt-secret': 's3cret' }, {}, undefined, "a JWT secret is set but --auth is 'bearer'"],
    [{ auth: 'jwt' }, { MOCKGRAPH_JWT_SECRET: '' }, undefined, 'MOCKGRAPH_JWT_SECRET is set but empty'],
    [{ 'jwt-secret': ' ', auth: 'jwt' }, {}, undefined, '--jwt-secret must not be empty'],
    [{}, { MOCKGRAPH_ADMIN_TOKEN: '' }, undefined, 'MOCKGRAPH_ADMIN_TOKEN is set but empty'],
    [{ 'admin-token': 'short' }, {}, undefined, '--admin-token must be at least 12 characters long'],
    [{ 'cors-origin': ['notaurl'] }, {}, undefined, "--cors-origin must be origins such as https://app.example or http://localhost:3000 (scheme, host and port only), or '*'; 'notaurl' is not one"],
    [{ 'cors-origin': ['https://app.example/path'] }, {}, undefined, "'https://app.example/path' is not one"],
    [{ 'cors-origin': [','] }, {}, undefined, '--cors-origin must name at least one origin'],
    [{}, {}, { corsOrigin: 'ftp://files.example' }, 'mockgraph.config.json: "corsOrigin" must be origins'],
    [{ 'allowed-hosts': 'evil example' }, {}, undefined, "--allowed-hosts must be host names such as sandbox.internal"],
    [{ 'max-entities': '0' }, {}, undefined, '--max-entities must be an integer from 1 to 10000000'],
    [{ 'max-data-size': '20gb' }, {}, undefined, '--max-data-size must be a size from 1kb to 16gb'],
    [{ 'tls-cert': 'c.pem', 'tls-key': 'k.pem' }, {}, undefined, '--tls-cert/--tls-key are set but --https is not: add --https, or remove them'],
    [{ https: true, 'tls-cert': 'c.pem' }, {}, undefined, '--tls-cert needs --tls-key (the private key of that certificate)'],
    [{}, { MOCKGRAPH_HTTPS: 'yes', MOCKGRAPH_TLS_KEY: 'k.pem' }, undefined, '--tls-key needs --tls-cert'],
    [{}, { MOCKGRAPH_HTTPS: 'maybe' }, undefined, 'MOCKGRAPH_HTTPS must be true or false'],
  ])('%j %j %j is refused: %s', (flags, env, file, message) => {
    expect(() => resolve(flags, env, file)).toThrow(message);
  });

  test('--https comes from a flag, MOCKGRAPH_HTTPS or "https" in the config file, with the pair and the CA folder', () => {
    expect(resolve({ https: true }).https).toBe(true);
    expect(resolve({}, { MOCKGRAPH_HTTPS: '1', MOCKGRAPH_TLS_CERT: 'c.pem', MOCKGRAPH_TLS_KEY: 'k.pem' })).toMatchObject({ https: true, tlsCert: 'c.pem', tlsKey: 'k.pem' });
    expect(resolve({}, { MOCKGRAPH_CA_DIR: '/tmp/ca' }, { https: true, caDir: '/elsewhere' })).toMatchObject({ https: true, caDir: '/tmp/ca' });
    expect(parseConfigFile('{"https": true, "tlsCert": "c.pem", "tlsKey": "k.pem", "caDir": "ca"}', 'c.json')).toEqual({ https: true, tlsCert: 'c.pem', tlsKey: 'k.pem', caDir: 'ca' });
    expect(() => parseConfigFile('{"https": "yes"}', 'c.json')).toThrow('c.json: "https" must be true or false, not the string "yes"');
  });

  test('origins are normalised, sizes take units up to gb, and secrets never appear in a message', () => {
    const s = resolve({ 'cors-origin': ['HTTPS://App.Example:443/, http://localhost:3000', '*'], 'max-data-size': '2gb', 'allowed-hosts': 'Sandbox.Internal,*.ci.example' });
    expect(s).toMatchObject({ corsOrigin: ['https://app.example', 'http://localhost:3000', '*'], maxDataSize: 2 * 1024 ** 3, allowedHosts: ['sandbox.internal', '*.ci.example'] });
    expect(() => resolve({ 'admin-token': 'tiny-secret' })).toThrow(/^--admin-token must be at least 12 characters long$/);
  });

  test('--help lists every flag with its default and variable', () => {
    const help = serveHelp();
    for (const s of SETTINGS) {
      expect(help).toContain(`--${s.flag}`);
      expect(help).toContain(`default: ${s.shownDefault}; env ${s.env}`);
    }
  });

  test('serve parses one flag per setting: a list setting is repeatable, one without a value is a switch', () => {
    const flags = serveFlags();
    expect(Object.keys(flags).sort()).toEqual([...SETTINGS.map((s) => s.flag), 'config'].sort());
    expect([flags['cors-origin']?.multiple, flags.quiet?.type, flags.https?.type, flags.port?.type]).toEqual([true, 'boolean', 'boolean', 'string']);
  });
});
