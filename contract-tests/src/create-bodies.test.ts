import { NOTE_EXAMPLE, NOTES } from '../../server/test/extra-schemas';
import { loadDocPage } from './load';
import { runPage } from './run';
import { NOTES_CONTEXT as ctx, NOTES_GRAPH as graph, NOTES_PAGE, recording } from './test-data';

describe('the bodies setup creates an entity with', () => {
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
});
