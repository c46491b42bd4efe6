import { GraphError } from '../../graph/errors';
import { QueryCursors } from './cursors';
import { CURSOR_TTL_SECONDS, MAX_SNAPSHOT_IDS, MAX_SNAPSHOTS } from './limits';

const NOW = new Date('2026-11-26T08:00:00Z');
const issued = NOW.getTime() / 1000;
const ids = (n: number, prefix = 'id') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const snapshot = (n: number, prefix?: string) => ({ ids: ids(n, prefix), select: undefined, count: undefined });

function message(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).status).toBe(400);
    return (err as GraphError).message;
  }
  throw new Error('no error');
}

describe('QueryCursors', () => {
  test('a token names its snapshot and offset only: short, whatever the query was', () => {
    const cursors = new QueryCursors(() => NOW);
    const select = ['address', 'tags'].map((p) => ({ text: p, property: p, cast: undefined }));
    const name = cursors.remember({ ids: ids(5000), select, count: 5000 });
    const token = cursors.encode({ snapshot: name, offset: 4900, issued });
    expect(token.length).toBeLessThan(200);
    expect(cursors.decode(token)).toEqual({ snapshot: name, offset: 4900, issued });
    expect(cursors.snapshotOf(cursors.decode(token))).toMatchObject({ select, count: 5000 });
  });

  test('the defaults bound snapshots by number and by ids held in all', () => {
    expect([MAX_SNAPSHOTS, MAX_SNAPSHOT_IDS]).toEqual([256, 2_000_000]);
  });

  test('snapshots beyond the id budget go, least recently used first; reading one keeps it', () => {
    const cursors = new QueryCursors(() => NOW, { maxSnapshots: 100, maxIds: 1000 });
    const a = cursors.remember(snapshot(400, 'a'));
    const b = cursors.remember(snapshot(400, 'b'));
    expect(cursors.recall(a)).toBeDefined();
    const c = cursors.remember(snapshot(400, 'c'));
    expect([cursors.recall(a) !== undefined, cursors.recall(b) !== undefined, cursors.recall(c) !== undefined]).toEqual([true, false, true]);
    expect(cursors.held()).toEqual({ snapshots: 2, ids: 800 });
    expect(message(() => cursors.snapshotOf({ snapshot: b, offset: 100, issued }))).toBe(
      'The $skiptoken refers to a result this server no longer keeps (it keeps the most recently used ones, up to 1,000 ids in all). Start again from the first page.',
    );
  });

  test('snapshots beyond the count go too; a single result larger than the id budget is still kept, alone', () => {
    const cursors = new QueryCursors(() => NOW, { maxSnapshots: 2, maxIds: 1000 });
    const names = [1, 2, 3].map(() => cursors.remember(snapshot(10)));
    expect(names.map((n) => cursors.recall(n) !== undefined)).toEqual([false, true, true]);
    const huge = cursors.remember(snapshot(5000));
    expect(cursors.recall(huge)?.ids).toHaveLength(5000);
    expect(cursors.held()).toEqual({ snapshots: 1, ids: 5000 });
  });

  test('after clear() (a reset) every token is invalid and every snapshot gone', () => {
    const cursors = new QueryCursors(() => NOW);
    const token = cursors.encode({ snapshot: cursors.remember(snapshot(10)), offset: 5, issued });
    cursors.clear();
    expect(cursors.held()).toEqual({ snapshots: 0, ids: 0 });
    expect(message(() => cursors.decode(token))).toContain('Start again from the first page.');
  });

  test('an altered or expired token is a 400', () => {
    let now = NOW;
    const cursors = new QueryCursors(() => now);
    const token = cursors.encode({ snapshot: cursors.remember(snapshot(10)), offset: 5, issued });
    const [payload = '', signature = ''] = token.split('.');
    const altered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), offset: 0 })).toString('base64url');
    expect(message(() => cursors.decode(`${altered}.${signature}`))).toContain('$skiptoken is not valid');
    now = new Date(NOW.getTime() + (CURSOR_TTL_SECONDS + 1) * 1000);
    expect(message(() => cursors.decode(token))).toContain('has expired');
  });
});
