import { GraphError } from '../../graph/errors';

/**
 * SQLSTATEs of a value PostgreSQL cannot hold: U+0000 in text (22021) or in JSONB (22P05), and a lone surrogate,
 * which JSON.stringify writes as an escape that JSONB refuses (22P02). No stored entity can hold one.
 */
const UNSTORABLE = new Set(['22021', '22P05', '22P02']);

/** Whether a statement failed on a value PostgreSQL cannot hold (UNSTORABLE). */
export function isUnstorable(err: unknown): boolean {
  return UNSTORABLE.has(String((err as { code?: unknown }).code));
}

/** The 400 for a write whose strings PostgreSQL cannot store. */
export function unstorable(): GraphError {
  return new GraphError('BadRequest', 'Invalid request body: a string holds a character this store cannot keep (U+0000, or an unpaired UTF-16 surrogate).');
}
