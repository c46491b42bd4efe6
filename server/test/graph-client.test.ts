import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, GraphError, HTTPMessageHandler, RetryHandler } from '@microsoft/microsoft-graph-client';
import { docExampleBody, testApp } from './helpers';

/**
 * The official SDK attaches the token only to https Graph hosts (and https customHosts) and strips
 * Authorization elsewhere, in its AuthenticationHandler. Pointing it at the mock: leave that handler out of the
 * middleware chain and send the token as a default header. This is the recipe the README gives.
 */
function mockClient(baseUrl: string, token = 'dev-token'): Client {
  return Client.initWithMiddleware({
    baseUrl,
    defaultVersion: 'beta',
    fetchOptions: { headers: { Authorization: `Bearer ${token}` } },
    middleware: chain(new RetryHandler(), new HTTPMessageHandler()),
  });
}

function chain(...handlers: [RetryHandler, HTTPMessageHandler]) {
  handlers[0].setNext(handlers[1]);
  return handlers[0];
}

describe('the official Microsoft Graph JavaScript client against mockgraph', () => {
  let server: Server;
  let client: Client;

  beforeAll(async () => {
    server = testApp({ publicOrigin: undefined }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    client = mockClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('create, get, list, patch and delete', async () => {
    const created = await client.api('/security/ipSecurityProfiles').post(docExampleBody());
    expect(created['@odata.type']).toBe('#microsoft.graph.ipSecurityProfile');
    const id = created.id as string;

    expect((await client.api(`/security/ipSecurityProfiles/${id}`).get()).address).toBe('Address value');
    expect((await client.api('/security/ipSecurityProfiles').get()).value.map((p: { id: string }) => p.id)).toContain(id);

    await client.api(`/security/ipSecurityProfiles/${id}`).patch({ riskScore: '99' });
    expect((await client.api(`/security/ipSecurityProfiles/${id}`).get()).riskScore).toBe('99');

    await client.api(`/security/ipSecurityProfiles/${id}`).delete();
    await expect(client.api(`/security/ipSecurityProfiles/${id}`).get()).rejects.toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  test('failures surface as GraphError with statusCode and code', async () => {
    const error = await client
      .api('/security/ipSecurityProfiles')
      .post({ ...docExampleBody(), countHits: 'nine' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    expect((error as GraphError).message).toContain('countHits');
    expect((error as GraphError).requestId).toEqual(expect.any(String));
  });

  test('without the token the mock answers 401 InvalidAuthenticationToken', async () => {
    const anonymous = Client.initWithMiddleware({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, defaultVersion: 'beta', middleware: new HTTPMessageHandler() });
    await expect(anonymous.api('/security/ipSecurityProfiles').get()).rejects.toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
  });
});
