/** How much control information a JSON response carries. @see OData JSON Format v4.01 §3.1 */
export const METADATA_LEVELS = ['minimal', 'none', 'full'] as const;
/** `odata.metadata=` of the response format. */
export type MetadataLevel = (typeof METADATA_LEVELS)[number];

/** Guards a string taken from a media-type parameter. */
export function isMetadataLevel(value: unknown): value is MetadataLevel {
  return (METADATA_LEVELS as readonly unknown[]).includes(value);
}

/** A parsed media range of an Accept header. */
interface MediaRange {
  type: string;
  params: Map<string, string>;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => {
      const [type = '', ...rawParams] = part.split(';').map((s) => s.trim());
      const params = new Map<string, string>();
      for (const p of rawParams) {
        const eq = p.indexOf('=');
        if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"|"$/g, '').toLowerCase());
      }
      const q = params.has('q') ? Number(params.get('q')) : 1;
      return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0 };
    })
    .filter((r) => r.type !== '');
}

const JSON_RANGES = new Set(['application/json', 'application/*', '*/*']);

/** Accept headers negotiateMetadata remembers the answer for (clients send the same few again and again), and how long each may be. */
const REMEMBERED_ACCEPTS = { count: 256, length: 256 } as const;
const NO_JSON = 'no-json';
const negotiated = new Map<string, MetadataLevel | typeof NO_JSON>();

/**
 * The metadata level an Accept header asks for, or undefined when it admits no JSON at all (406).
 * A missing or empty header means minimal metadata.
 */
export function negotiateMetadata(accept: string | undefined): MetadataLevel | undefined {
  if (accept === undefined) return 'minimal';
  const known = negotiated.get(accept);
  if (known !== undefined) return known === NO_JSON ? undefined : known;
  const level = negotiate(accept);
  if (accept.length <= REMEMBERED_ACCEPTS.length) {
    if (negotiated.size >= REMEMBERED_ACCEPTS.count) negotiated.clear();
    negotiated.set(accept, level ?? NO_JSON);
  }
  return level;
}

function negotiate(accept: string): MetadataLevel | undefined {
  if (accept.trim() === '') return 'minimal';
  const ranges = parseAccept(accept)
    .filter((r) => JSON_RANGES.has(r.type) && r.q > 0)
    .sort((a, b) => b.q - a.q);
  const best = ranges[0];
  if (!best) return undefined;
  const level = best.params.get('odata.metadata');
  return isMetadataLevel(level) ? level : 'minimal';
}

/** True when an Accept header admits `text/plain`, what `/$count` answers; a missing header admits anything. */
export function admitsPlainText(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return parseAccept(accept).some((r) => r.q > 0 && (r.type === 'text/plain' || r.type === 'text/*' || r.type === '*/*'));
}
