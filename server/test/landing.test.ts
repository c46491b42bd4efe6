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
});
