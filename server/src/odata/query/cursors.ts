import { randomBytes } from 'node:crypto';
import { GraphError } from '../../graph/errors';
import type { SelectItem } from './ast';
import { CURSOR_TTL_SECONDS, MAX_SNAPSHOT_IDS, MAX_SNAPSHOTS } from './limits';
import { signToken, verifiedPayload } from './signed-token';

/** A result being paged through, kept server-side: its ordered ids and what every page of it needs. */
export interface Snapshot {
  /** The ids of the result, after `$skip` and within `$top`, in `$orderby` order. */
  ids: readonly string[];
  /** The `$select` of the query. */
  select: SelectItem[] | undefined;
  /** `@odata.count` (the number that matched when the walk started), when the query asked for it. */
  count: number | undefined;
}

/** What a `$skiptoken` carries: which snapshot, where its next page starts, and when the token was issued. */
export interface CursorState {
  /** The snapshot's name. */
  snapshot: string;
  /** Where the next page starts in the snapshot's ids. */
  offset: number;
  /** Issued at, epoch seconds. */
  issued: number;
}

/** How many snapshots, and ids in all, are kept (least recently used go first). */
export interface SnapshotLimits {
  maxSnapshots: number;
  maxIds: number;
}

const invalid = () =>
  new GraphError('BadRequest', 'The $skiptoken is not valid: it was altered, or it was issued by an earlier run or reset of this server. Start again from the first page.');

/**
 * Issues and reads short, signed `$skiptoken`s, and keeps the snapshots they page through: the query stays
 * on the server, so a next link is short whatever the query's length, and a page costs O(page size).
 */
export class QueryCursors {
  private secret = randomBytes(32);
  private readonly snapshots = new Map<string, Snapshot>();
  private heldIds = 0;
  private sequence = 0;

  constructor(
    private readonly now: () => Date,
    private readonly limits: SnapshotLimits = { maxSnapshots: MAX_SNAPSHOTS, maxIds: MAX_SNAPSHOT_IDS },
  ) {}

  /** Keeps a snapshot and returns its name; drops the least recently used ones beyond the limits. */
  remember(snapshot: Snapshot): string {
    const name = `${Date.now().toString(36)}-${(this.sequence++).toString(36)}`;
    this.snapshots.set(name, snapshot);
    this.heldIds += snapshot.ids.length;
    while (this.snapshots.size > 1 && (this.snapshots.size > this.limits.maxSnapshots || this.heldIds > this.limits.maxIds)) {
      const [oldest, dropped] = this.snapshots.entries().next().value as [string, Snapshot];
      this.snapshots.delete(oldest);
      this.heldIds -= dropped.ids.length;
    }
    return name;
  }

  /** A snapshot, if it is still kept (reading it makes it the most recently used). */
  recall(name: string): Snapshot | undefined {
    const snapshot = this.snapshots.get(name);
    if (snapshot) {
      this.snapshots.delete(name);
      this.snapshots.set(name, snapshot);
    }
    return snapshot;
  }

  /** How many snapshots and ids are kept now. */
  held(): { snapshots: number; ids: number } {
    return { snapshots: this.snapshots.size, ids: this.heldIds };
  }

  /** Forgets every snapshot and invalidates every token issued so far (after a reset of the data). */
  clear(): void {
    this.snapshots.clear();
    this.heldIds = 0;
    this.secret = randomBytes(32);
  }

  /** An opaque, URL-safe token for a state: about 130 characters, whatever the query. */
  encode(state: CursorState): string {
    const payload = Buffer.from(JSON.stringify({ snapshot: state.snapshot, offset: state.offset, issued: state.issued })).toString('base64url');
    return signToken(this.secret, payload);
  }

  /** Reads a token back; a tampered, foreign or expired one is a 400. */
  decode(token: string): CursorState {
    const payload = verifiedPayload(this.secret, token);
    if (payload === undefined) throw invalid();
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

  /** The snapshot a token pages through; a dropped one is a 400 that says to start again. */
  snapshotOf(state: CursorState): Snapshot {
    const snapshot = this.recall(state.snapshot);
    if (!snapshot) {
      throw new GraphError(
        'BadRequest',
        `The $skiptoken refers to a result this server no longer keeps (it keeps the most recently used ones, up to ${this.limits.maxIds.toLocaleString('en-US')} ids in all). Start again from the first page.`,
      );
    }
    return snapshot;
  }
}
