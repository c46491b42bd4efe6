import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { notesSchemaDir, NOTES_PATH } from './extra-schemas';
import { testApp } from './helpers';

describe('the landing page', () => {
  test('GET / needs no token and links to the inspector, $metadata, the OpenAPI description, the README and every entity set', async () => {
    const res = await request(testApp()).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['vary']).toBe('Accept');
    for (const href of ['/_mockgraph/', '/beta/$metadata', '/_mockgraph/openapi.json', '/README.md', '/beta/security/ipSecurityProfiles', '/beta/security/tiIndicators']) expect(res.text).toContain(`href="${href}"`);
    expect(res.text).not.toContain('<script');
  });

  test('Accept: application/json gets the same links as JSON; sets of --schemas folders are listed too', async () => {
    const res = await request(testApp({ schemaDirs: [notesSchemaDir()] })).get('/').set('Accept', 'application/json');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'mockgraph', inspector: '/_mockgraph/', metadata: '/beta/$metadata', openapi: '/_mockgraph/openapi.json', readme: '/README.md' });
    expect(res.body.entitySets).toEqual(expect.arrayContaining([{ path: 'security/ipSecurityProfiles', url: '/beta/security/ipSecurityProfiles' }, { path: NOTES_PATH, url: `/beta/${NOTES_PATH}` }]));
  });

  test('with --admin false there is no inspector link; HEAD answers without a body; other methods fall through to Graph', async () => {
    const app = testApp({ admin: false });
    const res = await request(app).get('/').set('Accept', 'application/json');
    expect(res.body.inspector).toBeUndefined();
    const head = await request(app).head('/');
    expect([head.status, head.text ?? '']).toEqual([200, '']);
    // POST / is not the landing page: it gets the Graph answer for a request without a token.
    expect((await request(app).post('/')).status).toBe(401);
  });

  test('GET /README.md serves the README as Markdown', async () => {
    const res = await request(testApp()).get('/README.md');
    expect([res.status, res.headers['content-type']]).toEqual([200, 'text/markdown; charset=utf-8']);
    expect(res.text).toMatch(/^# mockgraph\n/);
  });

  test('GET /docs/NAME.md serves a page of docs/ as the README is served, so the README\'s relative links work', async () => {
    const app = testApp();
    const res = await request(app).get('/docs/configuration.md');
    expect([res.status, res.headers['content-type'], res.headers['x-content-type-options']]).toEqual([200, 'text/markdown; charset=utf-8', 'nosniff']);
    expect(res.text).toBe(readFileSync(join(__dirname, '..', '..', 'docs', 'configuration.md'), 'utf8'));
    const readme = await request(app).get('/README.md');
    const linked = [...readme.text.matchAll(/\]\((docs\/[a-z0-9-]+\.md)/g)].map((m) => `/${m[1]}`);
    expect(linked.length).toBeGreaterThan(0);
    for (const href of new Set(linked)) expect((await request(app).head(href)).status).toBe(200);
  });

  test.each(['/docs/../package.json', '/docs/%2e%2e%2fpackage.json', '/docs/%2E%2E/package.json', '/docs/nope.md', '/docs/configuration.md.bak', '/docs/Configuration.md', '/docs/'])(
    'GET %s answers a Graph 404, without a token and without leaving docs/',
    async (path) => {
      const res = await request(testApp()).get(path);
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'ResourceNotFound', innerError: { 'request-id': expect.any(String) } });
      expect(res.text).not.toContain('"name": "mockgraph"');
    },
  );
});
