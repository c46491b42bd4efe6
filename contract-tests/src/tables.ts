import type { DocPage } from './doc-page';
import { readRow } from './import/resources';

/** One row of a doc page's property table: `|name|Type|Description|`, as the importer reads it. */
export interface PropertyRow {
  /** The property name, without its markup or the "required" marker (`address *` → `address`). */
  name: string;
  /** The type as written, links and namespace-less: `String`, `ipCategory`, … (`Edm.*` for primitives). */
  type: string;
  collection: boolean;
  /** Marked required (`*`, "Required."). */
  required: boolean;
  line: number;
}

/**
 * The rows of the first table whose header starts with `Property | Type` (Graph's request-body and resource
 * tables), from the loader's tables and read by the importer's row reader: the pages have one reader.
 */
export function readPropertyTable(page: Pick<DocPage, 'tables' | 'file'>): PropertyRow[] {
  const table = page.tables.find((t) => /^property$/i.test((t.header[0] ?? '').replace(/[*`]/g, '').trim()) && /^type$/i.test((t.header[1] ?? '').replace(/[*`]/g, '').trim()));
  if (!table) return [];
  return table.rows.flatMap((row) => {
    const read = readRow(row, page.file);
    const type = read?.type.startsWith('Edm.') ? read.type.slice(4) : read?.type;
    return read && type !== undefined ? [{ name: read.name, type, collection: read.collection, required: read.required, line: row.line }] : [];
  });
}
