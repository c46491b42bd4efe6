import request from 'supertest';
import { AUTH, docExampleBody, graphErrorProblems, testApp } from './helpers';

const COLLECTION = '/beta/security/ipSecurityProfiles';

describe('POST /beta/security/ipSecurityProfiles', () => {
  test('creates the doc example: 201, Location, context, type, and every request property echoed', async () => {
    const body = docExampleBody();
    const res = await request(testApp({ publicOrigin: undefined })).post(COLLECTION).set(AUTH).send(body);
    expect(res.status).toBe(201);
    // Without a configured origin, links use the request's Host, so clients can follow them back.
    expect(res.headers.location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/beta\/security\/ipSecurityProfiles\/id-2$/);
    expect(res.body['@odata.context']).toMatch(/\/beta\/\$metadata#security\/ipSecurityProfiles\/\$entity$/);
    expect(res.body['@odata.type']).toBe('#microsoft.graph.ipSecurityProfile');
    expect(res.body.id).toBe('id-2');
    for (const [name, value] of Object.entries(body)) {
      if (name === '@odata.type') continue;
      expect([name, res.body[name]]).toEqual([name, expect.anything()]);
    }
    expect(res.body.countHits).toBe(9);
    expect(res.body.countHosts).toBe(10);
    // Graph answers DateTimeOffsets in UTC: the same instant as sent, the seven fractional digits kept.
    expect(res.body.firstSeenDateTime).toBe('2016-12-31T20:57:27.0365895Z');
    expect(res.body.ipCategories).toEqual([{ '@odata.type': '#microsoft.graph.ipCategory', description: 'Description value', name: 'Name value', vendor: 'Vendor value' }]);
    // Graph returns every declared property, the ones the example omits as null.
    expect(res.body.ipReferenceData[0].vendor).toBeNull();
    expect(res.body.vendorInformation).toEqual({
      '@odata.type': '#microsoft.graph.securityVendorInformation',
      provider: 'Provider value',
      providerVersion: 'Provider Version value',
      subProvider: 'Sub Provider value',
      vendor: null,
    });
  });

  test('answers with Graph JSON headers and ids on every response', async () => {
    const res = await request(testApp()).post(COLLECTION).set(AUTH).set('client-request-id', 'abc-123').send(docExampleBody());
    expect(res.headers['content-type']).toBe('application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8');
    expect(res.headers['request-id']).toBe('id-1');
    expect(res.headers['client-request-id']).toBe('abc-123');
    expect(res.headers['odata-version']).toBe('4.0');
  });

  test('a created profile can be read back by id, unchanged', async () => {
    const app = testApp();
    const created = await request(app).post(COLLECTION).set(AUTH).send(docExampleBody());
    const read = await request(app).get(`${COLLECTION}/${created.body.id}`).set(AUTH);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  test('the path matches case-insensitively, as the doc writes /Security', async () => {
    const res = await request(testApp()).post('/beta/Security/ipSecurityProfiles').set(AUTH).send(docExampleBody());
    expect(res.status).toBe(201);
  });
});

describe('GET /beta/security/ipSecurityProfiles/{id}', () => {
  test('an unknown id is a Graph 404', async () => {
    const res = await request(testApp()).get(`${COLLECTION}/no-such-id`).set(AUTH);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('ResourceNotFound');
    expect(res.body.error.message).toContain("'no-such-id'");
    expect(graphErrorProblems(res.body)).toEqual([]);
  });
});
