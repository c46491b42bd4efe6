import fc from 'fast-check';
import { request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMockServer, toInstant } from '../src/index';
import { COLLECTION, docExampleBody, graphErrorProblems, testApp } from './helpers';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Sends exactly what it is given (no client-side normalisation), over one keep-alive connection pool. */
function send(port: number, method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const text = fc.string({ unit: 'binary', maxLength: 40 });
const dateTime = fc
  .tuple(fc.integer({ min: Date.UTC(1, 0, 1), max: Date.UTC(9999, 11, 31) }), fc.constantFrom('Z', '+03:00', '-11:30', '+14:00'), fc.constantFrom('', '.1', '.0365895', '.123456789'))
  .map(([ms, offset, fraction]) => new Date(ms).toISOString().slice(0, 19) + fraction + offset);
const int32 = fc.integer({ min: -2147483648, max: 2147483647 });

/** Profiles valid under the metadata contract (every property optional but azureTenantId). */
const validProfile = fc.record(
  {
    activityGroupNames: fc.array(nullable(text), { maxLength: 3 }),
    address: nullable(text),
    azureSubscriptionId: nullable(text),
    azureTenantId: text,
    countHits: nullable(int32),
    countHosts: nullable(int32),
    firstSeenDateTime: nullable(dateTime),
    ipCategories: fc.array(nullable(fc.record({ description: nullable(text), name: nullable(text), vendor: nullable(text) }, { requiredKeys: [] })), { maxLength: 3 }),
    ipReferenceData: fc.array(
      nullable(fc.record({ asn: nullable(fc.maxSafeInteger()), city: nullable(text), countryOrRegionCode: nullable(text), organization: nullable(text), state: nullable(text), vendor: nullable(text) }, { requiredKeys: [] })),
      { maxLength: 3 },
    ),
    lastSeenDateTime: nullable(dateTime),
    riskScore: nullable(text),
    tags: fc.array(nullable(text), { maxLength: 4 }),
    vendorInformation: nullable(fc.record({ provider: nullable(text), providerVersion: nullable(text), subProvider: nullable(text), vendor: nullable(text) }, { requiredKeys: [] })),
  },
  { requiredKeys: ['azureTenantId'] },
);

/** A valid profile with one property replaced by any JSON value: mostly invalid. */
const mutatedProfile = fc.tuple(validProfile, fc.constantFrom('countHits', 'tags', 'azureTenantId', 'vendorInformation', 'ipCategories', 'firstSeenDateTime', 'id', '@odata.type', '__proto__', 'extra'), fc.jsonValue()).map(([p, key, value]) => JSON.stringify({ ...p, [key]: value }));

const bodies = fc.oneof(validProfile.map((p) => JSON.stringify(p)), mutatedProfile, fc.jsonValue().map((v) => JSON.stringify(v)), text, fc.constant(''), fc.constant('{"a":1,"a":2}'));

const segment = fc.oneof(
  fc.constantFrom('beta', 'v1.0', 'security', 'ipSecurityProfiles', 'IPSecurityProfiles', '$ref', '$count', 'kept', "ipSecurityProfiles('kept')", "ipSecurityProfiles('", '..', '%2F', '%E0%A4%A', '%', '_mockgraph', 'health', 'reset'),
  text.map(encodeURIComponent),
);
const path = fc.oneof(
  fc.array(segment, { maxLength: 5 }).map((s) => '/' + s.join('/')),
  fc.array(segment, { maxLength: 3 }).map((s) => ['', 'beta', 'security', 'ipSecurityProfiles', ...s].join('/')),
);
const query = fc.array(
  fc.tuple(
    fc.constantFrom('$filter', '$top', 'top', '$skip', '$select', '$orderby', '$count', '$search', '$skiptoken', '$expand', '$format', '$foo', 'x'),
    fc.oneof(text, fc.constantFrom('countHits eq 1', "tags/any(t: t eq 'x')", 'vendorInformation/provider desc', '5', '-1', 'true', "'", '(', '"q"', 'address,countHits', '*')),
  ),
  { maxLength: 3 },
).map((pairs) => (pairs.length === 0 ? '' : '?' + pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')));

const headers = fc.record(
  {
    authorization: fc.oneof(fc.constant('Bearer fuzz'), fc.constant(''), fc.constant('Basic x'), fc.constant('Bearer'), text.map((t) => `Bearer ${t.replace(/[^\x20-\x7e]/g, '')}`)),
    'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/xml', 'application/json;odata.metadata=minimal', 'multipart/form-data; boundary=x'),
    accept: fc.constantFrom('application/json', '*/*', 'text/html', 'application/json;odata.metadata=none', 'application/json;odata.metadata=full', 'application/json;q=0'),
    prefer: fc.constantFrom('return=minimal', 'return=representation', 'odata.maxpagesize=2', 'odata.maxpagesize=0', 'nonsense'),
    'client-request-id': text.map((t) => t.replace(/[^\x20-\x7e]/g, '')),
  },
  { requiredKeys: [] },
);

describe('property-based fuzzing over HTTP', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createMockServer(testApp({ validation: 'metadata', seed: [{ ...docExampleBody(), id: 'kept' }], now: () => new Date() }));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const snapshot = async () => (await send(port, 'GET', '/_mockgraph/profiles', {})).text;

  test('random methods, paths, queries, headers and bodies: never a 5xx, every error is a Graph error, a refused request changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD'), path, query, headers, bodies, async (method, p, q, h, body) => {
        if (p.startsWith('/_mockgraph/reset')) return;
        const before = await snapshot();
        const hasBody = !['GET', 'HEAD', 'OPTIONS', 'DELETE'].includes(method);
        const res = await send(port, method, p + q, Object.fromEntries(Object.entries(h).filter(([, v]) => v !== '')), hasBody ? body : undefined);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400 && method !== 'HEAD') expect(graphErrorProblems(JSON.parse(res.text))).toEqual([]);
        if (res.status >= 400) expect(await snapshot()).toBe(before);
      }),
      { numRuns: 400, interruptAfterTimeLimit: 25_000, seed: 7 },
    );
  }, 40_000);

  test('valid profiles round-trip: what POST accepted, GET returns equal', async () => {
    await fc.assert(
      fc.asyncProperty(validProfile, async (profile) => {
        const created = await send(port, 'POST', COLLECTION, { authorization: 'Bearer fuzz', 'content-type': 'application/json' }, JSON.stringify(profile));
        expect(created.status).toBe(201);
        const id = (JSON.parse(created.text) as { id: string }).id;
        const read = JSON.parse((await send(port, 'GET', `${COLLECTION}/${encodeURIComponent(id)}?$select=${Object.keys(profile).join(',')}`, { authorization: 'Bearer fuzz', accept: 'application/json;odata.metadata=none' })).text) as Record<string, unknown>;
        // DateTimeOffsets come back in UTC (`…Z`): the same instant, compared as one.
        for (const [key, value] of Object.entries(profile)) expect([key, asInstants(withoutNulls(read[key]), true)]).toEqual([key, asInstants(withoutNulls(value), false)]);
        await send(port, 'DELETE', `${COLLECTION}/${encodeURIComponent(id)}`, { authorization: 'Bearer fuzz' });
      }),
      { numRuns: 150, interruptAfterTimeLimit: 20_000, seed: 11 },
    );
  }, 30_000);
});

/** Date-time strings as comparable instants; `answered` ones must be written in UTC. */
function asInstants(value: unknown, answered: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => asInstants(v, answered));
  if (typeof value === 'string') {
    const instant = toInstant(value);
    if (!instant) return value;
    return `${answered && !value.endsWith('Z') ? 'not UTC: ' : ''}${instant.seconds}.${instant.nanos}`;
  }
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asInstants(v, answered)]));
}

/** Complex values come back with every declared property (null when not sent): compare what was sent. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}
