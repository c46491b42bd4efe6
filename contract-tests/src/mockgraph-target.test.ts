import { loadDocPage } from './load';
import { runPage } from './run';
import { NOTES_CONTEXT as ctx, NOTES_GRAPH as graph, recording } from './test-data';

describe('assertServed', () => {
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
