import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { GraphError } from '../../graph/errors';
import { CURSOR_TTL_SECONDS } from '../../odata/query/limits';
import { signToken, verifiedPayload } from '../../odata/query/signed-token';

/** The query a walk pages through, as the options were sent (kept in the database, named by the tokens). */
export interface WalkQuery {
  /** The entity-set path the walk pages through. */
  set: string;
  filter?: string;
  search?: string;
  orderby?: string;
  select?: string;
  /** The qualified type of a collection cast. */
  cast?: string;
}

/**
 * What a PostgreSQL `$skiptoken` carries: the walk (its query is in the database, so any replica re-runs it),
 * where the last page ended (its sort-key values and seq: keyset pagination, not OFFSET), how many rows `$top`
 * still allows, the count of the first page, the reset generation and when it was issued. Signed with the
 * secret every replica shares.
 */
export interface PageState {
  walk: string;
  /** Rows `$top` still allows after this page; absent for no `$top`. */
  remaining?: number;
  count?: number;
  /** The last row's sort-key values, in $orderby order, then its seq. */
  after: unknown[];
  generation: string;
  issued: number;
}

/** The 400 for a token that is not one of this sandbox's current ones. */
export const invalidToken = () =>
  new GraphError('BadRequest', 'The $skiptoken is not valid: it was altered, or it was issued before a reset of this sandbox or by another one. Start again from the first page.');

/** Issues and reads the signed, self-contained tokens of a PostgreSQL store. */
export class PageTokens {
  constructor(private readonly secret: string) {}

  encode(state: PageState): string {
    const payload = deflateRawSync(Buffer.from(JSON.stringify(state))).toString('base64url');
    return signToken(this.secret, payload);
  }

  /** The state of a token this sandbox issued; a tampered or foreign one is a 400, an expired one says so. */
  decode(token: string, now: Date): PageState {
    const payload = verifiedPayload(this.secret, token);
    if (payload === undefined) throw invalidToken();
    let state: PageState;
    try {
      state = JSON.parse(inflateRawSync(Buffer.from(payload, 'base64url'), { maxOutputLength: 1 << 20 }).toString('utf8')) as PageState;
    } catch {
      throw invalidToken();
    }
    if (!(now.getTime() / 1000 - state.issued <= CURSOR_TTL_SECONDS)) {
      throw new GraphError('BadRequest', `The $skiptoken has expired (tokens last ${CURSOR_TTL_SECONDS / 60} minutes). Start again from the first page.`);
    }
    return state;
  }
}
