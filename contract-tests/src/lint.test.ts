import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGraphDefinition } from '../../server/src/index';
import { lintPage } from './lint';
import { loadDocPage } from './load';

const graph = loadGraphDefinition();
const lint = (folder: string, name: string) => lintPage(loadDocPage(readFileSync(join(__dirname, '..', folder, name), 'utf8'), name), graph);
const summary = (findings: ReturnType<typeof lint>) => findings.map((f) => `${f.line} ${f.severity} ${f.rule}`);

describe('lintPage', () => {
  test('the seed page: every documented quirk, at its line', () => {
    expect(summary(lint('docs', 'add-ipsecurityprofiles.md'))).toEqual([
      '8 warning permissions-todo',
      '10 warning permissions-todo',
      '18 warning request-line-mismatch',
      '32 warning required-includes-id',
      '59 warning url-backslash',
      '59 warning url-missing-version',
      '59 warning url-placeholder-root',
      '61 warning content-length',
      '76 warning odata-type-hash',
      '84 warning odata-type-hash',
      '98 warning odata-type-hash',
      '107 warning odata-type-casing',
      '114 info truncated-but-complete',
      '116 warning content-length',
      '132 warning odata-type-hash',
      '140 warning odata-type-hash',
      '154 warning odata-type-hash',
    ]);
  });

  test('messages say what is wrong, e.g. which line ending a Content-Length counts', () => {
    const messages = lint('docs', 'add-ipsecurityprofiles.md').map((f) => f.message);
    expect(messages).toContain('Content-Length 1197 matches the body only with CRLF line endings (with LF line endings it is 1157 bytes)');
    expect(messages).toContain("the HTTP request line 'POST /Security/ipSecurityProfiles/$ref' and the example 'create_ipsecurityprofile_from_' (POST https://graph.microsoft.com/docs\\api/Security/ipSecurityProfiles) disagree about $ref");
  });

  test('a table and bodies that drift from schemas/ are errors', () => {
    const findings = lint('fixtures', 'schema-drift.md');
    expect(findings.filter((f) => f.severity === 'error').map((f) => `${f.line} ${f.rule}: ${f.message}`)).toEqual([
      "9 table-schema-mismatch: 'countHits' is String in the table but Edm.Int32 in schemas/",
      "10 table-schema-mismatch: 'tags' is not a collection in the table but in schemas/",
      "12 table-schema-mismatch: 'colour' is not a property of microsoft.graph.ipSecurityProfile in schemas/",
      "18 body-schema: the request body of 'update_drifted' fails microsoft.graph.ipSecurityProfile: countHits: expected Int32 or null, got string",
      "28 body-schema: the response body of 'update_drifted' fails microsoft.graph.ipSecurityProfile: countHits: expected Int32 or null, got string",
    ]);
    expect(summary(findings)).toContain('30 warning content-length');
    expect(findings.find((f) => f.rule === 'content-length')?.message).toContain('matches no rendering of the body');
  });

  test('the quirks page: loader problems become findings with severities, nothing crashes', () => {
    const rules = lint('fixtures', 'quirks.md').map((f) => `${f.severity} ${f.rule}`);
    for (const r of ['error body-json', 'error annotation-json', 'error request-line', 'error status-line', 'warning duplicate-example-name', 'warning request-without-response', 'warning response-without-request', 'warning annotation-without-block']) {
      expect(rules).toContain(r);
    }
  });

  test('the fixture pages written for the runner lint clean of errors except where they mean to', () => {
    expect(lint('fixtures', 'crud-examples.md').filter((f) => f.severity === 'error')).toEqual([]);
  });

  test('real pages: instance annotations are not properties, an action\'s body is its parameters, trailing commas are their own rule', () => {
    // @odata.context in a closed type's response is control information; the body has trailing commas.
    expect(summary(lint('docs/beta/api', 'tiindicators-post.md')).filter((l) => l.includes('body-'))).toEqual(['129 error body-json-relaxed']);
    // The request body of deleteTiIndicators is its parameters; the response shows subCode, which resultInfo lacks.
    expect(lint('docs/beta/api', 'tiindicator-deletetiindicators.md').filter((f) => f.rule === 'body-schema').map((f) => f.message)).toEqual([
      "the response body of 'tiindicator_deletetiindicators' fails microsoft.graph.resultInfo: subCode: property is not declared on microsoft.graph.resultInfo",
    ]);
  });

  test('a property table\'s required marker is not part of the name; a "truncated": false response lacking properties is reported', () => {
    const old = lint('fixtures/import/ipsecurityprofile-2018/resources', 'ipsecurityprofile.md');
    expect(old.filter((f) => f.message.includes('*'))).toEqual([]);
    const get = lint('fixtures/import/ipsecurityprofile-2018/api', 'ipsecurityprofile_get.md');
    expect(get.filter((f) => f.rule === 'response-incomplete').map((f) => f.message)).toEqual([
      expect.stringMatching(/^the response of 'get_ipsecurityprofile' is marked "truncated": false but lacks \d+ properties of microsoft\.graph\.ipSecurityProfile: activityGroupNames, /),
    ]);
  });
});

