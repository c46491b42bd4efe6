import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GraphError } from '../../graph/errors';

/** What a `$skiptoken` carries: the query as sent, where the next page starts, and the result it pages through. */
export interface CursorState {
  /** The original query option texts (filter, search, orderby, select, count). */
  query: Record<string, string>;
  /** What is left of `$top`, if one was given. */
  top: number | undefined;
  /** The `$skip` of the first request. */
  skip: number;
  /** Where the next page starts in the result (after `$skip`). */
  offset: number;
  /** The id of the last entity served, to re-find the position if the result has to be recomputed. */
  last: string | undefined;
  /** The snapshot of result ids this walk pages through. */
  snapshot: string;
  /** The number of matching entities when the walk started (`@odata.count`). */
  total: number;
  /** Issued at, epoch seconds. */
  issued: number;
}

/** How long a `$skiptoken` stays valid. */
export const CURSOR_TTL_SECONDS = 30 * 60;
/** How many result snapshots are kept (least recently used go first). */
export const MAX_SNAPSHOTS = 32;

const invalid = () =>
  new GraphError('BadRequest', 'The $skiptoken is not valid: it was altered, or it was issued by an earlier run or reset of this server. Start again from the first page.');

/**
 * Issues and reads opaque, signed `$skiptoken`s, and keeps the id lists they page through, so following
 * `@odata.nextLink` costs O(page size) per page instead of filtering and sorting the collection again.
 */
export class QueryCursors {
  private secret = randomBytes(32);
  private readonly snapshots = new Map<string, readonly string[]>();
  private sequence = 0;

  constructor(private readonly now: () => Date) {}

  /** Keeps a result's ids and returns the snapshot's name. */
  remember(ids: readonly string[]): string {
    const name = `${Date.now().toString(36)}-${(this.sequence++).toString(36)}`;
    this.snapshots.set(name, ids);
    while (this.snapshots.size > MAX_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value as string);
    return name;
  }

  /** The ids of a snapshot, if it is still kept (touching it keeps it longer). */
  recall(name: string): readonly string[] | undefined {
    const ids = this.snapshots.get(name);
    if (ids) {
      this.snapshots.delete(name);
      this.snapshots.set(name, ids);
    }
    return ids;
  }

  /** Forgets every snapshot and invalidates every token issued so far (after a reset of the data). */
  clear(): void {
    this.snapshots.clear();
    this.secret = randomBytes(32);
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }

  /** An opaque, URL-safe token for a state. */
  encode(state: CursorState): string {
    const payload = Buffer.from(JSON.stringify(state)).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** Reads a token back; a tampered, foreign or expired one is a 400. */
  decode(token: string): CursorState {
    const [payload = '', signature = '', extra] = token.split('.');
    if (extra !== undefined || payload === '') throw invalid();
    const expected = Buffer.from(this.sign(payload));
    const actual = Buffer.from(signature);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw invalid();
    let state: CursorState;
    try {
      state = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as CursorState;
    } catch {
      throw invalid();
    }
    if (this.now().getTime() / 1000 - state.issued > CURSOR_TTL_SECONDS) {
      throw new GraphError('BadRequest', `The $skiptoken has expired (tokens last ${CURSOR_TTL_SECONDS / 60} minutes). Start again from the first page.`);
    }
    return state;
  }
}
