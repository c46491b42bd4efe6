import { call, runCli, serve } from './process-helpers';

describe('mockgraph serve fails closed on unsafe settings', () => {
  test.each([
    [['--jwt-secret', 'dev-secret'], {}, "mockgraph: a JWT secret is set but --auth is 'bearer': add --auth jwt, or remove the secret"],
    [['--auth', 'jwt'], { MOCKGRAPH_JWT_SECRET: '' }, 'mockgraph: MOCKGRAPH_JWT_SECRET is set but empty'],
    [['--cors-origin', 'notaurl'], {}, "mockgraph: --cors-origin must be origins such as https://app.example or http://localhost:3000 (scheme, host and port only), or '*'; 'notaurl' is not one"],
    [['--cors-origin', ' , '], {}, 'mockgraph: --cors-origin must name at least one origin, such as https://app.example'],
    [['--admin-token', 'short'], {}, 'mockgraph: --admin-token must be at least 12 characters long'],
  ])('%j %j exits 2 with one line', (args, env, message) => {
    const r = runCli(['serve', '--port', '0', ...args], { env });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([message]);
  });

  test('on a network address without an admin token the admin API is locked, and the start line says how to open it', async () => {
    const s = await serve(['--host', '0.0.0.0', '--quiet'], { env: { MOCKGRAPH_ADMIN_TOKEN: '' } }).catch(() => undefined);
    // An empty token variable is an error, not "no token".
    expect(s).toBeUndefined();
    const open = await serve(['--host', '0.0.0.0', '--quiet']);
    try {
      expect(open.stdout()).toContain('admin API locked on 0.0.0.0 (only /_mockgraph/health answers; set --admin-token or MOCKGRAPH_ADMIN_TOKEN to use it)');
      const base = open.base.replace('localhost', '127.0.0.1');
      expect((await fetch(`${base}/_mockgraph/health`)).status).toBe(200);
      const reset = await fetch(`${base}/_mockgraph/reset`, { method: 'POST', headers: { 'Content-Type': 'application/json' } });
      expect(reset.status).toBe(403);
      expect((await call(base, '/beta/security/ipSecurityProfiles')).status).toBe(200);
    } finally {
      open.child.kill('SIGTERM');
    }
  });

  test('with MOCKGRAPH_ADMIN_TOKEN on a network address the admin API answers that token only, and never prints it', async () => {
    const token = 'a-long-admin-token-for-the-cli-test';
    const s = await serve(['--host', '0.0.0.0'], { env: { MOCKGRAPH_ADMIN_TOKEN: token } });
    try {
      const base = s.base.replace('localhost', '127.0.0.1');
      expect(s.stdout()).toContain('(admin token required)');
      expect((await fetch(`${base}/_mockgraph/profiles`)).status).toBe(401);
      expect((await fetch(`${base}/_mockgraph/profiles`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
      const reset = await fetch(`${base}/_mockgraph/reset`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
      expect(reset.status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
      expect(s.stderr()).toContain('mockgraph: reset: every entity set put back to the seed');
      expect(s.stdout() + s.stderr()).not.toContain(token);
    } finally {
      s.child.kill('SIGTERM');
    }
  });
});
