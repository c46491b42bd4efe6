import request from 'supertest';
import type { RequestLogEntry } from '../src/index';
import { mintAccessToken } from '../src/graph/access-token';
import { COLLECTION, testApp } from './helpers';

const SECRET_TOKEN = mintAccessToken({ scp: 'SecurityEvents.Read.All', exp: 4102444800, tid: 't' });

describe('no credential leaks', () => {
  test('a token sent without the Bearer scheme is never echoed in the error, the request log or /_mockgraph/requests', async () => {
    const logged: RequestLogEntry[] = [];
    const app = testApp({ onRequest: (e) => logged.push(e) });
    for (const header of [SECRET_TOKEN, `${SECRET_TOKEN} trailing`, `Token ${SECRET_TOKEN}`]) {
      const res = await request(app).get(COLLECTION).set('Authorization', header);
      expect(res.status).toBe(401);
      expect(res.text).not.toContain(SECRET_TOKEN.slice(0, 20));
    }
    const basic = await request(app).get(COLLECTION).set('Authorization', 'Basic dXNlcjpwYXNz');
    expect(basic.body.error.message).toContain("not 'Basic'");
    expect(basic.text).not.toContain('dXNlcjpwYXNz');
    const recent = await request(app).get('/_mockgraph/requests');
    expect(JSON.stringify(recent.body)).not.toContain(SECRET_TOKEN.slice(0, 20));
    expect(JSON.stringify(logged)).not.toContain(SECRET_TOKEN.slice(0, 20));
  });

  test('query parameter values are logged only for OData system options ($skiptoken included); every other value is REDACTED', async () => {
    const logged: RequestLogEntry[] = [];
    const app = testApp({ onRequest: (e) => logged.push(e) });
    const query = 'access_token=AAA111&code=BBB222&client_secret=CCC333&password=DDD444&token=EEE555&api_key=FFF666&x-ms-refresh_token=GGG777&subscription-key=HHH888&X-Amz-Signature=III999&a=1;access_token=JJJ000&$top=5&tenant=contoso';
    await request(app).get(`${COLLECTION}?${query}`).set('Authorization', 'Bearer t');
    const recent = await request(app).get('/_mockgraph/requests?limit=1');
    for (const entry of [logged.at(-1), recent.body.value[0]]) {
      const path = String((entry as { path: string }).path);
      for (const secret of ['AAA111', 'BBB222', 'CCC333', 'DDD444', 'EEE555', 'FFF666', 'GGG777', 'HHH888', 'III999', 'JJJ000']) expect(path).not.toContain(secret);
      expect(path).toContain('access_token=REDACTED');
      // Only OData's system query options keep their values; any other parameter may carry a credential.
      expect(path).toContain('$top=5');
      expect(path).toContain('tenant=REDACTED');
    }
    await request(app).get(`${COLLECTION}?$skiptoken=abc.def`).set('Authorization', 'Bearer t');
    expect(logged.at(-1)?.path).toContain('$skiptoken=abc.def');
  });

  test('request log entries never hold header values', async () => {
    const logged: RequestLogEntry[] = [];
    const app = testApp({ onRequest: (e) => logged.push(e) });
    await request(app).get(COLLECTION).set('Authorization', 'Bearer header-secret-value').set('Cookie', 'session=cookie-secret-value');
    expect(JSON.stringify(logged)).not.toMatch(/header-secret-value|cookie-secret-value/);
  });
});
