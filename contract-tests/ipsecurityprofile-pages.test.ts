import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, loadGraphDefinition } from '../server/src/index';
import { matchContextFor } from './src/context';
import { loadDocPage } from './src/load';
import type { HttpTarget } from './src/replay';
import { runPage } from './src/run';
import type { CaseResult } from './src/run';
import { supertestTarget } from './src/supertest-target';

/**
 * Graph's get, list and update pages of ipSecurityProfile (the 2018 versions, the only ones its repository holds:
 * docs-sources.md), replayed against the served type, which follows the seed page: every example runs; the two that
 * show the 2018 properties are skipped as not served, with the properties named, once everything else has matched.
 */
const DOCS = join(__dirname, 'docs');
const load = (file: string) => loadDocPage(readFileSync(join(DOCS, file), 'utf8'), file);
const seed = load('add-ipsecurityprofiles.md');
const [get, list, update] = ['get', 'list', 'update'].map((n) => load(`beta/api/ipsecurityprofile_${n}.md`)) as [ReturnType<typeof load>, ReturnType<typeof load>, ReturnType<typeof load>];
const graph = loadGraphDefinition();
const ctx = matchContextFor(graph);
/** As `mockgraph contract` runs them: the seed page documents the POST that sets up the placeholders. */
const options = { pages: [seed, get, list, update], graph };
const ONLY_2018 = ['asn', 'city', 'countryOrRegionCode', 'createdDateTime', 'lastModifiedDateTime', 'organization', 'state'];
const SEED_ONLY = ['activityGroupNames', 'countHits', 'countHosts', 'firstSeenDateTime', 'ipCategories', 'ipReferenceData', 'lastSeenDateTime'];

async function replay(target: HttpTarget = supertestTarget(createApp())): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const page of [get, list, update]) results.push(...(await runPage(page, target, ctx, options)));
  return results;
}
const byName = (results: CaseResult[], name: string) => results.find((r) => r.name === name)!;

/** The in-process mock, but for entity GETs, which answer what `edit` makes of the served entity. */
function rewritingGets(edit: (entity: Record<string, unknown>) => Record<string, unknown>): HttpTarget {
  const real = supertestTarget(createApp());
  return async (req) => {
    const res = await real(req);
    if (req.method !== 'GET' || res.status !== 200 || !/\/ipSecurityProfiles\/[^/?]+$/.test(req.path)) return res;
    return { ...res, bodyText: JSON.stringify(edit(JSON.parse(res.bodyText) as Record<string, unknown>)) };
  };
}

describe('the 2018 ipSecurityProfile get, list and update pages against the served type', () => {
  test('every example is replayed: list and the 204 update pass, the two showing 2018 properties are skipped as not served', async () => {
    const results = await replay();
    expect(results.map((r) => [r.page, r.name, r.status, r.request?.method, r.actualStatus])).toEqual([
      ['beta/api/ipsecurityprofile_get.md', 'get_ipsecurityprofile', 'skipped', 'GET', 200],
      ['beta/api/ipsecurityprofile_list.md', 'get_ipsecurityprofiles', 'passed', 'GET', 200],
      ['beta/api/ipsecurityprofile_update.md', 'update_ipsecurityprofile', 'passed', 'PATCH', 204],
      ['beta/api/ipsecurityprofile_update.md', 'update_ipsecurityprofile#2', 'skipped', 'PATCH', 200],
    ]);
  });

  test('get: the reason names the seven 2018 properties; the seven seed-only ones are checked for presence; the rest matched', async () => {
    const result = byName(await replay(), 'get_ipsecurityprofile');
    expect(result.reason).toBe(
      `not served: the doc shows 7 properties that microsoft.graph.ipSecurityProfile as served does not declare, and the answer has none (${ONLY_2018.join(', ')}): the page documents another version of the type; everything else it shows matched`,
    );
    expect(result.mismatches.map((m) => [m.path, m.notServed?.property])).toEqual(ONLY_2018.map((p) => [`$[${JSON.stringify(p)}]`, p]));
    expect(result.notes).toEqual([`the doc marks its body complete (truncated: false) but leaves out what microsoft.graph.ipSecurityProfile declares and the answer carries (${SEED_ONLY.join(', ')}): only their presence was checked`]);
  });

  test('update: the 204 example passes as documented; the 200 one names the four 2018 properties of its truncated body', async () => {
    const results = await replay();
    expect([byName(results, 'update_ipsecurityprofile').mismatches, byName(results, 'update_ipsecurityprofile').notes]).toEqual([[], []]);
    expect(byName(results, 'update_ipsecurityprofile#2').reason).toContain('4 properties that microsoft.graph.ipSecurityProfile as served does not declare, and the answer has none (asn, city, countryOrRegionCode, createdDateTime)');
  });

  test("list: its body elides items with a literal '...', so only the status and headers can be checked, and a note says so", async () => {
    expect(byName(await replay(), 'get_ipsecurityprofiles').notes).toEqual([expect.stringMatching(/^the doc's response body cannot be compared \(body is not valid JSON: .*\); only the status and headers were checked$/)]);
  });

  test('what the served type declares is still compared: a wrong kind of value fails the case, the 2018 properties listed beside it', async () => {
    const result = byName(await replay(rewritingGets((e) => ({ ...e, address: 5 }))), 'get_ipsecurityprofile');
    expect(result.status).toBe('failed');
    expect(result.mismatches.filter((m) => !m.notServed).map((m) => m.message)).toEqual([
      '$["address"]: different kind of value: expected "a string (the doc shows the type placeholder \\"String\\")", got 5',
      '$: schema microsoft.graph.ipSecurityProfile: address: expected String or null, got integer',
    ]);
    expect(result.mismatches.filter((m) => m.notServed)).toHaveLength(7);
  });

  test('a server that answers the 2018 properties is compared on them, and passes', async () => {
    const as2018 = (e: Record<string, unknown>) => ({
      ...Object.fromEntries(Object.entries(e).filter(([k]) => !SEED_ONLY.includes(k))),
      ...{ asn: 1024, city: 'Redmond', countryOrRegionCode: 'US', createdDateTime: '2018-06-01T00:00:00Z', lastModifiedDateTime: '2018-06-01T00:00:00Z', organization: 'Contoso', state: 'WA' },
    });
    const result = byName(await replay(rewritingGets(as2018)), 'get_ipsecurityprofile');
    expect([result.status, result.reason, result.mismatches, result.notes]).toEqual(['passed', undefined, [], []]);
    const wrongAsn = byName(await replay(rewritingGets((e) => ({ ...as2018(e), asn: 7 }))), 'get_ipsecurityprofile');
    expect(wrongAsn.mismatches.map((m) => m.message)).toEqual(['$["asn"]: different value: expected 1024, got 7']);
  });
});
