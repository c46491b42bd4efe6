import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDocPage } from './load';
import { headingAnchor, plainText, readFrontMatter, readLinks, scanMarkdown } from './markdown-structure';

const GRAPH_DOCS = join(__dirname, '..', 'docs', 'beta');
const page = (path: string) => loadDocPage(readFileSync(join(GRAPH_DOCS, path), 'utf8'), path);

describe('the loader reads front matter, headings, tables, fences and links', () => {
  test('front matter: key: value lines, quotes removed; none without the opening ---', () => {
    expect(readFrontMatter('---\ntitle: "tiIndicator resource type"\ndoc_type: resourcePageType\n\nms.prod: security\n---\n# x')).toEqual({ title: 'tiIndicator resource type', doc_type: 'resourcePageType', 'ms.prod': 'security' });
    expect(readFrontMatter('# ipSecurityProfile resource type\n')).toBeUndefined();
    expect(page('resources/tiindicator.md').frontMatter?.doc_type).toBe('resourcePageType');
  });

  test("headings carry the anchors Graph's links use", () => {
    const ti = page('resources/tiindicator.md');
    expect(ti.headings.map((h) => h.anchor)).toEqual(expect.arrayContaining(['properties', 'indicator-observables---email', 'diamondmodel-values', 'json-representation']));
    expect(headingAnchor('Indicator observables - network')).toBe('indicator-observables---network');
  });

  test('tables: header, rows with their lines, the heading above and the prose before; tabs and missing pipes tolerated', () => {
    const ti = page('resources/tiindicator.md');
    const threat = ti.tables.find((t) => t.heading?.text === 'threatType values')!;
    expect(threat.header).toEqual(['Member', 'Description']);
    expect(threat.rows.find((r) => r.cells[0] === 'Darknet')?.cells[1]).toBe('Indicator is that of a Darknet node/network.');
    const sscp = page('resources/securescorecontrolprofiles.md');
    const props = sscp.tables.find((t) => t.header[0] === 'Name')!;
    expect(props.rows[0]).toEqual({ cells: ['azureTenantId', 'String', 'GUID string for tenant ID.'], line: 31 });
    expect(props.rows[props.rows.length - 1]?.cells).toEqual(['vendorInformation', '[securityVendorInformation](securityvendorinformation.md)']);
  });

  test('tables and headings inside fenced blocks are text; fences are listed whether annotated or not', () => {
    const scanned = scanMarkdown('# t\n\n```md\n# not a heading\n| a | b |\n|---|---|\n```\n\n| x | y |\n|---|---|\n| 1 | 2 |\n');
    expect(scanned.headings.map((h) => h.text)).toEqual(['t']);
    expect(scanned.tables.map((t) => t.header)).toEqual([['x', 'y']]);
    expect(scanned.fences).toEqual([{ info: 'md', line: 3, contentLine: 4, content: '# not a heading\n| a | b |\n|---|---|' }]);
  });

  test('indented headings and fences of old pages, CRLF pages', () => {
    const update = page('resources/securescorecontrolstateupdate.md');
    expect(update.headings.map((h) => [h.level, h.text])).toEqual([[1, 'secureScoreControlStateUpdate resource type'], [2, 'JSON representation']]);
    expect(update.fences.map((f) => f.info)).toEqual(['json']);
    const crlf = loadDocPage(readFileSync(join(__dirname, '..', 'fixtures', 'import', 'ipsecurityprofile-2018', 'resources', 'ipsecurityprofile.md'), 'utf8'), 'ipsecurityprofile.md');
    expect(crlf.frontMatter).toBeUndefined();
    expect(crlf.tables.find((t) => t.header[0] === 'Property')?.rows.map((r) => r.cells[0])).toContain('vendorInformation *');
  });

  test('links and plain text of cells', () => {
    expect(readLinks('[diamondModel](#diamondmodel-values) and [x](../resources/x.md "title")')).toEqual([
      { text: 'diamondModel', target: '#diamondmodel-values' },
      { text: 'x', target: '../resources/x.md' },
    ]);
    expect(plainText('Email of the attacker&#124;victim. **Required.**<br>[More](a.md)')).toBe('Email of the attacker|victim. Required. More');
  });
});
