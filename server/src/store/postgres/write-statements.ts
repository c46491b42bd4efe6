/** An insert of a single write; the trigger mockgraph_count keeps the set's figures in the same transaction (as for every statement here). */
export const INSERT = `INSERT INTO mockgraph_entities (entity_set, id, doc, body, bytes) VALUES ($1, $2, $3::text, $3::text::jsonb, $4)
  ON CONFLICT (entity_set, id) DO NOTHING RETURNING 1 AS done`;
/**
 * An insert that checks the storage limits in the same statement ($5 entities in the set, $6 bytes in all): only
 * statements running at the same instant can pass them together, so a burst overshoots by at most the writes in
 * flight (the pools' connections), not by the burst.
 */
export const INSERT_WITHIN = `INSERT INTO mockgraph_entities (entity_set, id, doc, body, bytes)
  SELECT $1::text, $2::text, $3::text, $3::text::jsonb, $4::integer
  WHERE (SELECT coalesce(sum(entities), 0) FROM mockgraph_sets WHERE entity_set = $1::text) < $5::bigint
    AND (SELECT coalesce(sum(bytes), 0) FROM mockgraph_sets) + $4::integer <= $6::bigint
  ON CONFLICT (entity_set, id) DO NOTHING RETURNING 1 AS done`;
/** A replace whatever the row's version (the caller read no version to check). */
export const REPLACE = `UPDATE mockgraph_entities SET doc = $3::text, body = $3::text::jsonb, bytes = $4, version = version + 1
  WHERE entity_set = $1 AND id = $2 RETURNING 1 AS done`;
/** A replace computed from version $5: it writes only if nobody wrote since; else `current` says why not. */
export const REPLACE_IF = `WITH changed AS (
    UPDATE mockgraph_entities SET doc = $3::text, body = $3::text::jsonb, bytes = $4, version = version + 1
    WHERE entity_set = $1 AND id = $2 AND version = $5 RETURNING 1)
  SELECT (SELECT count(*) FROM changed) AS done, (SELECT count(*) FROM mockgraph_entities WHERE entity_set = $1 AND id = $2) AS present`;
/** A delete; `done` says whether there was a row. */
export const DELETE = `DELETE FROM mockgraph_entities WHERE entity_set = $1 AND id = $2 RETURNING 1 AS done`;
/** The advisory lock that inserts near a storage limit take their turn under ("quota" in ASCII). */
export const QUOTA_LOCK = 0x71756f7461n;
