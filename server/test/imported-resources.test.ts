import request from 'supertest';
import { mintAccessToken } from '../src/graph/access-token';
import { AUTH, graphErrorProblems, testApp } from './helpers';


const TI = '/beta/security/tiIndicators';
const SCORE = '/beta/security/secureScoreControlProfiles';
const JSON_TYPE = { 'Content-Type': 'application/json' };

function indicator(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { action: 'alert', azureTenantId: 'tenant', description: 'seen in a phishing mail', expirationDateTime: '2027-01-01T00:00:00Z', targetProduct: 'Azure Sentinel', threatType: 'WatchList', tlpLevel: 'green', ...over };
}

describe('a resource imported from its doc pages is served with the same semantics', () => {
  // tiIndicator and secureScoreControlProfile are imported into schemas/ (contract-tests/docs-sources.md).
  const app = () => testApp();

  test('methods are the ones its API pages document: 405 with Allow for the rest', async () => {
    const a = app();
    const post = await request(a).post(SCORE).set(AUTH).send({});
    expect([post.status, post.headers.allow]).toEqual([405, 'GET']);
    expect(graphErrorProblems(post.body)).toEqual([]);
    const del = await request(a).delete(`${SCORE}/any`).set(AUTH);
    expect([del.status, del.headers.allow]).toEqual([405, 'GET, PATCH']);
    expect((await request(a).get(SCORE).set(AUTH)).status).toBe(200);
    expect((await request(a).post(TI).set(AUTH).send(indicator())).status).toBe(201);
  });

  test('an enum-typed property validates against its members', async () => {
    const res = await request(app()).post(TI).set(AUTH).send(indicator({ tlpLevel: 'purple' }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('tlpLevel');
  });

  test('$filter takes enum literals and refuses non-members; $orderby sorts enums by member order, not alphabetically', async () => {
    const a = app();
    for (const [i, tlp] of ['red', 'white', 'amber', 'green', 'unknown'].entries()) await request(a).post(TI).set(AUTH).send(indicator({ id: `ti-${i}`, tlpLevel: tlp }));
    const ordered = await request(a).get(`${TI}?$orderby=tlpLevel&$select=tlpLevel`).set(AUTH);
    expect(ordered.body.value.map((v: { tlpLevel: string }) => v.tlpLevel)).toEqual(['unknown', 'white', 'green', 'amber', 'red']);
    const above = await request(a).get(`${TI}?$filter=tlpLevel ge 'green'&$select=tlpLevel`).set(AUTH);
    expect(above.body.value.map((v: { tlpLevel: string }) => v.tlpLevel).sort()).toEqual(['amber', 'green', 'red']);
    const listed = await request(a).get(`${TI}?$filter=tlpLevel in ('red','white','amber','unknown')`).set(AUTH);
    expect(listed.body.value).toHaveLength(4);
    const bad = await request(a).get(`${TI}?$filter=tlpLevel eq 'purple'`).set(AUTH);
    expect([bad.status, bad.body.error.message]).toEqual([400, expect.stringContaining("The string 'purple' is not a valid enumeration type constant")]);
    expect((await request(a).get(`${TI}?$filter=contains(tlpLevel, 'e')`).set(AUTH)).status).toBe(400);
  });

  test('submitTiIndicators creates many; an invalid item refuses all of them, naming it', async () => {
    const a = app();
    const bad = await request(a).post(`${TI}/submitTiIndicators`).set(AUTH).send({ value: [indicator({ id: 'ok-1' }), indicator({ tlpLevel: 'purple' })] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/value\[1\]/);
    expect((await request(a).get(`${TI}/ok-1`).set(AUTH)).status).toBe(404);
    const res = await request(a).post(`${TI}/microsoft.graph.submitTiIndicators`).set(AUTH).send({ value: [indicator({ id: 'bulk-1' }), indicator({ id: 'bulk-2', tlpLevel: 'red' })] });
    expect(res.status).toBe(200);
    expect(res.body['@odata.context']).toMatch(/\$metadata#Collection\(microsoft\.graph\.tiIndicator\)$/);
    expect(res.body.value.map((v: { id: string }) => v.id)).toEqual(['bulk-1', 'bulk-2']);
    expect((await request(a).get(`${TI}/bulk-2`).set(AUTH)).body.tlpLevel).toBe('red');
  });

  test('updateTiIndicators patches many by id; deleteTiIndicators deletes by id; …ByExternalId deletes by externalId', async () => {
    const a = app();
    await request(a).post(`${TI}/submitTiIndicators`).set(AUTH).send({ value: [indicator({ id: 'u-1' }), indicator({ id: 'u-2', externalId: 'ext-2' }), indicator({ id: 'u-3' })] });
    const updated = await request(a).post(`${TI}/updateTiIndicators`).set(AUTH).send({ value: [{ id: 'u-1', description: 'patched' }] });
    expect(updated.status).toBe(200);
    expect(updated.body.value[0]).toMatchObject({ id: 'u-1', description: 'patched', tlpLevel: 'green' });
    const missingId = await request(a).post(`${TI}/updateTiIndicators`).set(AUTH).send({ value: [{ description: 'no id' }] });
    expect(missingId.status).toBe(400);
    const deleted = await request(a).post(`${TI}/deleteTiIndicators`).set(AUTH).send({ value: ['u-1', 'not-there'] });
    expect(deleted.status).toBe(200);
    expect(deleted.body.value).toBeDefined();
    expect((await request(a).get(`${TI}/u-1`).set(AUTH)).status).toBe(404);
    await request(a).post(`${TI}/deleteTiIndicatorsByExternalId`).set(AUTH).send({ value: ['ext-2'] });
    expect((await request(a).get(`${TI}/u-2`).set(AUTH)).status).toBe(404);
    expect((await request(a).get(`${TI}/u-3`).set(AUTH)).status).toBe(200);
  });

  test('an operation refuses parameters its page does not document, and other methods', async () => {
    const a = app();
    const res = await request(a).post(`${TI}/deleteTiIndicators`).set(AUTH).send({ ids: ['x'] });
    expect(res.status).toBe(400);
    expect((await request(a).get(`${TI}/deleteTiIndicators`).set(AUTH)).status).toBe(405);
  });

  test('with --auth jwt an operation needs the permissions its page lists', async () => {
    const a = testApp({ auth: 'jwt' });
    const token = (scp: string) => ({ Authorization: `Bearer ${mintAccessToken({ scp, exp: 4102444800, tid: 't' })}` });
    expect((await request(a).post(`${TI}/deleteTiIndicators`).set(token('SecurityEvents.Read.All')).set(JSON_TYPE).send({ value: [] })).status).toBe(403);
    expect((await request(a).post(`${TI}/deleteTiIndicators`).set(token('ThreatIndicators.ReadWrite.OwnedBy')).set(JSON_TYPE).send({ value: [] })).status).toBe(200);
  });
});

describe('custom operation semantics (--operations DIR)', () => {
  test('a module replaces the generic semantics, with the store at hand through validated operations', async () => {
    const a = testApp({
      operations: [
        {
          set: 'security/tiIndicators',
          name: 'deleteTiIndicatorsByExternalId',
          run: async (ctx) => {
            const wanted = new Set((ctx.parameters as { value: string[] }).value);
            const gone = [];
            for await (const e of ctx.list()) if (wanted.has(e.externalId as string)) gone.push(e);
            for (const e of gone) await ctx.remove(e.id);
            return { status: 200, body: { value: gone.map((e) => ({ code: 'deleted', message: e.id })) } };
          },
        },
      ],
    });
    await request(a).post(`${TI}/submitTiIndicators`).set(AUTH).send({ value: [indicator({ id: 'c-1', externalId: 'e-1' })] });
    const res = await request(a).post(`${TI}/deleteTiIndicatorsByExternalId`).set(AUTH).send({ value: ['e-1'] });
    expect([res.status, res.body]).toEqual([200, { value: [{ code: 'deleted', message: 'c-1' }] }]);
    expect((await request(a).get(`${TI}/c-1`).set(AUTH)).status).toBe(404);
  });
});
