/** The preferences mockgraph honours. @see OData v4.01 Protocol §8.2.8 */
export interface Preferences {
  return?: 'minimal' | 'representation';
  maxPageSize?: number;
}

/** Parses a `Prefer` header (several comma-separated preferences, any case); unknown ones are ignored. */
export function parsePrefer(header: string | undefined): Preferences {
  const out: Preferences = {};
  if (header === undefined) return out;
  for (const part of header.split(',')) {
    const [name = '', value = ''] = part.split('=', 2).map((s) => s.trim().replace(/^"|"$/g, ''));
    const lower = name.toLowerCase();
    if (lower === 'return' && (value === 'minimal' || value === 'representation')) out.return = value;
    if ((lower === 'odata.maxpagesize' || lower === 'maxpagesize') && /^\d+$/.test(value) && Number(value) > 0) out.maxPageSize = Number(value);
  }
  return out;
}
