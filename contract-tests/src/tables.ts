/** One row of a doc page's property table: `|name|Type|Description|`. */
export interface PropertyRow {
  name: string;
  /** The type as written, links removed: `String`, `ipCategory`, … */
  type: string;
  collection: boolean;
  line: number;
}

const LINK = /\[([^\]]+)\]\([^)]*\)/g;

/**
 * Reads the first Markdown table whose header starts with `Property | Type` (as Graph's pages write their
 * request-body and resource tables).
 */
export function readPropertyTable(markdown: string): PropertyRow[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const cells = (l: string) => l.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
  const start = lines.findIndex((l) => /^\|?\s*Property\s*\|\s*Type\s*\|/i.test(l.trim()));
  if (start < 0) return [];
  const rows: PropertyRow[] = [];
  for (let i = start + 2; i < lines.length && (lines[i] ?? '').trim().startsWith('|'); i++) {
    const [name = '', rawType = ''] = cells(lines[i] ?? '');
    const type = rawType.replace(LINK, '$1').trim();
    const collection = / collection$/i.test(type);
    rows.push({ name, type: collection ? type.replace(/ collection$/i, '') : type, collection, line: i + 1 });
  }
  return rows;
}
