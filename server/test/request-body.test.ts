import request from 'supertest';
import { AUTH, docExampleBody, graphErrorProblems, testApp } from './helpers';

const COLLECTION = '/beta/security/ipSecurityProfiles';

async function post(body: string | object, contentType?: string) {
  let req = request(testApp()).post(COLLECTION).set(AUTH);
  if (contentType !== undefined) req = req.set('Content-Type', contentType);
  return req.send(typeof body === 'string' ? body : JSON.stringify(body));
}

describe('request bodies', () => {
  test('Content-Type: text/plain is 415 RequestBodyRead', async () => {
    const res = await post(docExampleBody(), 'text/plain');
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('RequestBodyRead');
    expect(graphErrorProblems(res.body)).toEqual([]);
  });

  test('application/json with a charset parameter is accepted', async () => {
    expect((await post(docExampleBody(), 'application/json; charset=utf-8')).status).toBe(201);
  });

  test('a body without Content-Type is 400, as Graph answers it', async () => {
    const res = await request(testApp()).post(COLLECTION).set(AUTH).send(Buffer.from(JSON.stringify(docExampleBody())));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('Content-Type');
  });

  test('malformed JSON is 400 BadRequest, never a 500 or an HTML page', async () => {
    const res = await post('{"countHits": 9,', 'application/json');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error.code).toBe('BadRequest');
    expect(res.body.error.message).toContain('Unable to read JSON request payload');
    expect(JSON.stringify(res.body)).not.toMatch(/at .+\.js:\d+/);
  });

  test('"countHits": "nine" is 400 naming countHits and the expected type', async () => {
    const res = await post({ ...docExampleBody(), countHits: 'nine' }, 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('Invalid request body: countHits: expected Int32 or null, got string.');
  });

  test.each([
    [{ countHosts: 2 ** 31 }, 'countHosts: expected Int32 or null within -2147483648..2147483647, got 2147483648'],
    [{ firstSeenDateTime: 'yesterday' }, 'firstSeenDateTime: expected DateTimeOffset'],
    [{ tags: 'one' }, 'tags: expected Collection(String), got string'],
    [{ tags: ['a', 5] }, 'tags[1]: expected String or null, got integer'],
    [{ vendorInformation: 'x' }, 'vendorInformation: expected microsoft.graph.securityVendorInformation, got string'],
    [{ ipCategories: [{ name: 7 }] }, 'ipCategories[0].name: expected String or null, got integer'],
    [{ ipCategories: [{ colour: 'red' }] }, 'ipCategories[0].colour: property is not declared on microsoft.graph.ipCategory'],
    [{ ipReferenceData: [{ asn: 1.5 }] }, 'ipReferenceData[0].asn: expected Int64 or null, got number'],
    [{ azureTenantId: null }, 'azureTenantId: expected String, got null'],
    [{ ipCategories: [{ '@odata.type': '#microsoft.graph.user' }] }, "ipCategories[0]: @odata.type '#microsoft.graph.user' does not name microsoft.graph.ipCategory"],
    [{ colour: 'red' }, "colour: property is not declared on microsoft.graph.ipSecurityProfile in the documentation's table"],
  ])('%j is 400: %s', async (change, message) => {
    const res = await post({ ...docExampleBody(), ...change }, 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BadRequest');
    expect(res.body.error.message).toContain(message);
  });

  test('the doc profile requires every table property but id', async () => {
    const body = docExampleBody();
    delete body.riskScore;
    const res = await post(body, 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('riskScore: required property is missing');
  });

  test('a JSON array or scalar body is 400', async () => {
    for (const body of ['[]', '42', '"text"', 'null']) {
      const res = await post(body, 'application/json');
      expect([body, res.status, res.body.error?.code]).toEqual([body, 400, 'BadRequest']);
    }
  });
});
