import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { escapeAttribute, renderXml } from './xml-writer';

describe('the XML writer', () => {
  test('escapes markup, quotes and line breaks in attribute values, and drops characters XML cannot carry', () => {
    expect(escapeAttribute(`a<b>&"c'\n\t\r`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;&#10;&#9;&#13;');
    expect(escapeAttribute('bell\u0007 and \uFFFE gone, emoji 🛡 kept')).toBe('bell and  gone, emoji 🛡 kept');
  });

  test('writes a well-formed document whose attribute values parse back unchanged', () => {
    const tricky = `Say "hi" & <bye>, it's\nmultiline\tand tabbed`;
    const xml = renderXml({ name: 'root', attributes: { a: tricky, skipped: undefined }, children: [{ name: 'child' }, { name: 'child', attributes: { n: '2' } }] });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<root ')).toBe(true);
    expect(xml).not.toContain('skipped');
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: true, htmlEntities: true }).parse(xml) as { root: { a: string } };
    expect(parsed.root.a).toBe(tricky);
  });
});
