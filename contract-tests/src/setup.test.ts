import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, loadGraphDefinition } from '../../server/src/index';
import type { AppOptions } from '../../server/src/index';
import { NOTE_EXAMPLE, NOTES, notesSchemaDir } from '../../server/test/extra-schemas';
import { matchContextFor } from './context';
import { loadDocPage } from './load';
import type { HttpTarget } from './replay';
import { runPage } from './run';
import { supertestTarget } from './supertest-target';

const dir = notesSchemaDir();
const graph = loadGraphDefinition([dir]);
const ctx = matchContextFor(graph);

const NOTES_FILE = join(__dirname, '..', 'fixtures', 'threat-notes.md');
const NOTES_PAGE = readFileSync(NOTES_FILE, 'utf8');
const page = loadDocPage(NOTES_PAGE, 'threat-notes.md');

/** A target that records what it was sent, as `METHOD path`. */
function recording(app: AppOptions = {}): { target: HttpTarget; sent: string[] } {
  const inner = supertestTarget(createApp({ schemaDirs: [dir], logError: () => {}, logNotice: () => {}, ...app }));
  const sent: string[] = [];
  return { sent, target: (req) => (sent.push(`${req.method} ${req.path}`), inner(req)) };
}

const outcome = (results: Awaited<ReturnType<typeof runPage>>) => results.map((r) => [r.name, r.status, r.reason ?? r.mismatches.map((m) => m.message).join('; ')]);

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

  test('the body is the entity the response shows; a value its schema refuses (a placeholder) is taken from the type\'s example', async () => {
    const shows = (fields: string) => loadDocPage(NOTES_PAGE.replace('"title": "Seen from a new country", "city": "Oslo" }', fields), 'x.md');
    const [shown] = await runPage(shows('"title": "Only on this page", "city": "Tromsø" }'), recording().target, ctx, { graph });
    expect([shown?.status, shown?.mismatches]).toEqual(['passed', []]);
    // severity is Int32: "high" is refused, so the first POST is refused and the second one mends severity alone.
    const fallback = recording();
    const [get] = await runPage(shows('"severity": "high", "city": "Tromsø" }'), fallback.target, ctx, { graph });
    expect(fallback.sent.filter((s) => s.startsWith('POST')).slice(0, 2)).toEqual(['POST /_mockgraph/entities/security/threatNotes', 'POST /_mockgraph/entities/security/threatNotes']);
    expect([get?.status, get?.mismatches]).toEqual(['passed', []]);
    const stored = await fallback.target({ method: 'GET', path: `${NOTES}?$filter=city eq 'Tromsø'`, headers: { Authorization: 'Bearer t' }, body: undefined });
    // The page's city is kept; severity and the non-nullable title come from the type's example.
    expect(JSON.parse(stored.bodyText).value).toEqual([expect.objectContaining({ city: 'Tromsø', severity: NOTE_EXAMPLE.severity, title: NOTE_EXAMPLE.title })]);
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

  test('a page about an entity set the mockgraph target does not serve is skipped as not served, with no setup POST', async () => {
    const alerts = loadDocPage(
      '<!-- { "blockType": "request", "name": "get_alert" } -->\n```http\nGET https://graph.microsoft.com/beta/security/alerts/{id}\n```\n\n<!-- { "blockType": "response", "truncated": true } -->\n```http\nHTTP/1.1 200 OK\n\n{ "id": "a1" }\n```\n',
      'alerts.md',
    );
    const { target, sent } = recording();
    const [result] = await runPage(alerts, target, ctx, { graph });
    expect([result?.status, result?.reason]).toEqual(['skipped', expect.stringMatching(/^not served: \/beta\/security\/alerts\/\{id\} is in none of the target's entity sets \(security\/ipSecurityProfiles, /)]);
    expect(sent.filter((s) => s.startsWith('POST'))).toEqual([]);
  });
});

