import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDocPage } from './load';
import type { HttpTarget } from './replay';
import { runPage } from './run';
import { NOTES_CONTEXT as ctx, NOTES_GRAPH as graph, notesPage as page, outcome, recording } from './test-data';

describe('setup through mockgraph’s admin API', () => {
  test('a placeholder in a collection whose pages document no POST is created by POST /_mockgraph/entities/{set}', async () => {
    const { target, sent } = recording();
    const results = await runPage(page, target, ctx, { graph });
    expect(outcome(results)).toEqual([
      ['get_threatnote', 'passed', ''],
      ['update_threatnote', 'passed', ''],
      ['get_known_threatnote', 'passed', ''],
    ]);
    expect(sent).toContain('GET /_mockgraph/health');
    expect(sent.filter((s) => s.startsWith('POST'))).toEqual(['POST /_mockgraph/entities/security/threatNotes', 'POST /_mockgraph/entities/security/threatNotes', 'POST /_mockgraph/entities/security/threatNotes']);
  });

  test('with an admin token on the server, the runner sends --admin-token; without it setup fails with the 401', async () => {
    const locked = { adminToken: 'contract-admin-token' };
    const ok = await runPage(page, recording(locked).target, ctx, { graph, adminToken: 'contract-admin-token' });
    expect(ok.map((r) => r.status)).toEqual(['passed', 'passed', 'passed']);
    const [refused] = await runPage(page, recording(locked).target, ctx, { graph });
    expect([refused?.status, refused?.reason]).toEqual(['failed', expect.stringContaining('setup: POST /_mockgraph/entities/security/threatNotes answered 401')]);
  });

  test('against a target that is not a mockgraph, such examples are skipped with the reason', async () => {
    const { target: mock } = recording();
    const other: HttpTarget = async (req) => (req.path.startsWith('/_mockgraph') ? { status: 404, headers: {}, bodyText: '{"error":{"code":"NotFound","message":"no"}}' } : mock(req));
    const results = await runPage(page, other, ctx, { graph });
    expect(results.slice(0, 2).map((r) => [r.name, r.status, r.reason])).toEqual(
      ['get_threatnote', 'update_threatnote'].map((n) => [n, 'skipped', 'setup: the pages document no POST for /beta/security/threatNotes and the target is not a mockgraph (GET /_mockgraph/health does not answer like one), so no entity can be created for the example to address']),
    );
    // A literal key is the other server's own data: nothing is created for it, and the answer is matched as it is.
    expect(results[2]?.status).toBe('failed');
  });

  test('a POST documented on another page of the run is used, not the admin API', async () => {
    const crud = loadDocPage(readFileSync(join(__dirname, '..', 'fixtures', 'crud-examples.md'), 'utf8'), 'crud-examples.md');
    const create = loadDocPage(readFileSync(join(__dirname, '..', 'docs', 'add-ipsecurityprofiles.md'), 'utf8'), 'add-ipsecurityprofiles.md');
    const { target, sent } = recording();
    const results = await runPage(crud, target, ctx, { graph, pages: [crud, create] });
    expect(results.every((r) => r.status === 'passed')).toBe(true);
    expect(sent.filter((s) => s.startsWith('POST'))).toEqual(expect.arrayContaining(['POST /beta/security/ipSecurityProfiles']));
    expect(sent.some((s) => s.startsWith('POST /_mockgraph'))).toBe(false);
  });
});
