import request from 'supertest';
import { AUTH, docExampleBody, TEST_ORIGIN, testApp } from './helpers';

const COLLECTION = '/beta/security/ipSecurityProfiles';
const post = (body: object) => request(testApp()).post(COLLECTION).set(AUTH).send(body);

describe('@odata.type on requests', () => {
  test.each(['#microsoft.graph.ipSecurityProfile', 'microsoft.graph.ipSecurityProfile', '#MICROSOFT.GRAPH.IPSECURITYPROFILE', 'microsoft.graph.ipsecurityprofile'])(
    'the entity may say %s',
    async (type) => {
      expect((await post({ ...docExampleBody(), '@odata.type': type })).status).toBe(201);
    },
  );

  test('nested complex values may carry their type with or without #, in any case', async () => {
    const body = docExampleBody();
    body.ipCategories = [{ '@odata.type': '#Microsoft.Graph.IpCategory', name: 'n' }];
    body.vendorInformation = { '@odata.type': 'microsoft.graph.securityvendorinformation', provider: 'p' };
    expect((await post(body)).status).toBe(201);
  });

  test.each([
    [{ '@odata.type': '#microsoft.graph.user' }, "body: @odata.type '#microsoft.graph.user' does not name microsoft.graph.ipSecurityProfile"],
    [{ '@odata.type': '#microsoft.graph.noSuchType' }, "does not name microsoft.graph.ipSecurityProfile"],
    [{ vendorInformation: { '@odata.type': '#microsoft.graph.ipCategory' } }, "vendorInformation: @odata.type '#microsoft.graph.ipCategory' does not name microsoft.graph.securityVendorInformation"],
    [{ ipReferenceData: [{}, { '@odata.type': 'graph.ipReferenceData' }] }, 'ipReferenceData[1]: @odata.type'],
  ])('%j is 400 naming the path and the expected type', async (change, message) => {
    const res = await post({ ...docExampleBody(), ...change });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
  });
});

describe('response formats', () => {
  async function created(accept?: string) {
    const app = testApp();
    const { body } = await request(app).post(COLLECTION).set(AUTH).send(docExampleBody());
    let req = request(app).get(`${COLLECTION}/${body.id}`).set(AUTH);
    if (accept !== undefined) req = req.set('Accept', accept);
    return req;
  }

  test('minimal (default): @odata.context and @odata.type on the entity and its complex values', async () => {
    const res = await created('application/json');
    expect(res.body['@odata.type']).toBe('#microsoft.graph.ipSecurityProfile');
    expect(res.body.vendorInformation['@odata.type']).toBe('#microsoft.graph.securityVendorInformation');
    expect(res.body['@odata.id']).toBeUndefined();
  });

  test('odata.metadata=none omits every @odata annotation', async () => {
    const res = await created('application/json;odata.metadata=none');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain('@odata');
    expect(res.body.countHits).toBe(9);
  });

  test('odata.metadata=full adds @odata.id and @odata.editLink', async () => {
    const res = await created('application/json; odata.metadata=full');
    const url = `${TEST_ORIGIN}/beta/security/ipSecurityProfiles/${res.body.id}`;
    expect(res.body).toMatchObject({ '@odata.type': '#microsoft.graph.ipSecurityProfile', '@odata.id': url, '@odata.editLink': url });
  });

  test.each(['*/*', 'application/*', 'text/html, application/json;q=0.5'])('Accept: %s is JSON', async (accept) => {
    expect((await created(accept)).status).toBe(200);
  });

  test.each(['text/html', 'application/xml', 'application/json;q=0'])('Accept: %s is 406', async (accept) => {
    const res = await created(accept);
    expect(res.status).toBe(406);
    expect(res.body.error.code).toBe('NotAcceptable');
  });
});
