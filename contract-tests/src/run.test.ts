import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, loadGraphDefinition } from '../../server/src/index';
import { matchContextFor } from './context';
import { loadDocPage } from './load';
import type { HttpTarget } from './replay';
import { casesOf, runPage } from './run';
import { supertestTarget } from './supertest-target';

const fixture = (name: string) => loadDocPage(readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8'), name);
const seed = loadDocPage(readFileSync(join(__dirname, '..', 'docs', 'add-ipsecurityprofiles.md'), 'utf8'), 'add-ipsecurityprofiles.md');
const ctx = matchContextFor(loadGraphDefinition());
const seedBody = seed.examples[0]?.request.body;

describe('runPage', () => {
  test('the seed page: its example and its $ref request line both pass', async () => {
    const results = await runPage(seed, supertestTarget(createApp()), ctx);
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['create_ipsecurityprofile_from_', 'passed'],
      ['create_ipsecurityprofile_from_ (as the HTTP request line POST /Security/ipSecurityProfiles/$ref)', 'passed'],
    ]);
    expect(results[1]?.request).toEqual({ method: 'POST', path: '/beta/Security/ipSecurityProfiles/$ref' });
  });

  test('crud-examples.md: placeholders, collections, isEmpty and expectError all replay green', async () => {
    const results = await runPage(fixture('crud-examples.md'), supertestTarget(createApp()), ctx, { seedBody });
    expect(results.map((r) => [r.name, r.status, r.reason, r.mismatches.map((m) => m.message)])).toEqual(
      ['list_ipsecurityprofiles', 'get_ipsecurityprofile', 'update_ipsecurityprofile', 'delete_ipsecurityprofile', 'get_missing_ipsecurityprofile', 'list_ipsecurityprofiles_with_count'].map((n) => [n, 'passed', undefined, []]),
    );
    expect(results.find((r) => r.name === 'get_ipsecurityprofile')?.request?.path).toMatch(/^\/beta\/security\/ipSecurityProfiles\/[0-9a-f-]{36}\?\$select=azureTenantId,countHits$/);
  });

  test('quirks.md: every broken example is reported as skipped with its reason, nothing crashes', async () => {
    const results = await runPage(fixture('quirks.md'), supertestTarget(createApp()), ctx, { seedBody });
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['dup', 'passed'],
      // A response body that is not JSON (`...`) still replays: status and headers are checked, and a note says so.
      ['dup#2', 'passed'],
      // A trailing comma is read leniently, so the example replays: the doc's create contract refuses its body.
      ['trailing_comma', 'failed'],
      ['trailing_comma (as the HTTP request line POST /Security/ipSecurityProfiles/$ref)', 'failed'],
      ['no_response', 'skipped'],
      ['not_a_request', 'skipped'],
    ]);
    expect(results.find((r) => r.name === 'dup#2')?.notes).toEqual([expect.stringMatching(/^the doc's response body cannot be compared \(body is not valid JSON: .*\); only the status and headers were checked$/)]);
    // A status mismatch says what the server objected to.
    expect(results.find((r) => r.name === 'trailing_comma')?.mismatches[0]?.message).toMatch(/^status: different status: expected 201, got 400 \(BadRequest: Invalid request body: \w+: required property is missing/);
    expect(results.find((r) => r.name === 'no_response')?.reason).toContain('no response block');
  });

  test('a server that disagrees with the doc fails with the path, the expected and the actual value', async () => {
    const liar: HttpTarget = async () => ({ status: 201, headers: { 'content-type': 'application/json' }, bodyText: JSON.stringify({ '@odata.type': '#microsoft.graph.ipSecurityProfile', id: 'x', countHits: '9' }) });
    const [result] = await runPage(seed, liar, ctx);
    expect(result?.status).toBe('failed');
    expect(result?.mismatches.map((m) => m.message)).toContain('$["countHits"]: different value: expected 9, got "9"');
    expect(result?.mismatches.map((m) => m.message)).toContain('$["address"]: missing property: expected "Address value", got nothing');
  });

  test('a target that cannot be reached is a failed case with the reason, not a crash', async () => {
    const down: HttpTarget = async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:1');
    };
    const results = await runPage(fixture('crud-examples.md'), down, ctx, { seedBody });
    expect(results.every((r) => r.status === 'failed')).toBe(true);
    expect(results[0]?.reason).toContain('ECONNREFUSED');
  });

  test('casesOf ignores request lines of other methods and of other paths', () => {
    expect(casesOf(fixture('crud-examples.md')).map((c) => c.name)).toHaveLength(6);
  });
});
