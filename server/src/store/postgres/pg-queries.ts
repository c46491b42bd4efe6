import { projectEntity } from '../../odata/query/apply';
import type { CollectionQuery } from '../../odata/query/ast';
import { budgetExceeded } from '../../odata/query/evaluation-errors';
import { parseCollectionQuery } from '../../odata/query/parse';
import type { QueryOptionName } from '../../odata/query/parse';
import type { CollectionQueries, Entity, QueryPage, StoreQueryContext } from '../store';
import type { Database } from './database';
import { GENERATION_SETTING } from './schema';
import { invalidToken, PageTokens } from './page-tokens';
import type { PageState, WalkQuery } from './page-tokens';
import { randomBytes } from 'node:crypto';
import { CURSOR_TTL_SECONDS, MAX_SNAPSHOTS } from '../../odata/query/limits';
import { GraphError } from '../../graph/errors';
import { compileOrder, compileWhere, keysetAfter, orderByClause, SqlParams } from './sql-query';

/** SQLSTATE of a statement stopped by statement_timeout: the query used up its evaluation budget. */
const QUERY_CANCELED = '57014';

/** What the tokens of a store are signed with: the shared secret. */
export type TokenSource = () => Promise<{ secret: string }>;

/** keysetAfter of a token's values; values that do not fit the keys (a token of another query) are an invalid token. */
function keysetAfterOrInvalid(keys: Parameters<typeof keysetAfter>[0], after: unknown[], params: SqlParams): string {
  try {
    return keysetAfter(keys, after, params);
  } catch (err) {
    if (err instanceof TypeError) throw invalidToken();
    throw err;
  }
}

const isCount = (n: unknown) => n === undefined || (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0);

/** Whether a signed token's fields have the types this store writes (a signature proves origin, not shape). */
function wellFormed(state: PageState): boolean {
  return typeof state.walk === 'string' && typeof state.generation === 'string' && Array.isArray(state.after) && isCount(state.remaining) && isCount(state.count) && Number.isFinite(state.issued);
}

/** A walk's id and the reset generation its tokens carry. */
interface Walk {
  id: string;
  generation: string;
}

/** How many walks the database keeps (the oldest go first), as one server keeps MAX_SNAPSHOTS snapshots. */
export const MAX_WALKS = MAX_SNAPSHOTS * 16;
/** Every this many walks a replica starts, it forgets the expired ones and those beyond MAX_WALKS. */
export const WALKS_BETWEEN_PRUNES = 32;

/** The query of a walk, parsed again against the model (any replica can continue any walk). */
function queryOf(state: WalkQuery, ctx: StoreQueryContext): CollectionQuery {
  const options = new Map<QueryOptionName, string>();
  if (state.filter !== undefined) options.set('filter', state.filter);
  if (state.search !== undefined) options.set('search', state.search);
  if (state.orderby !== undefined) options.set('orderby', state.orderby);
  if (state.select !== undefined) options.set('select', state.select);
  const cast = state.cast === undefined ? undefined : ctx.model.resolveType(state.cast);
  return parseCollectionQuery(options, 'collection', ctx.type, ctx.model, cast);
}

/**
 * Collection queries compiled to SQL: `$filter`, `$search`, the cast, `$orderby` (ties in insertion order),
 * `$top`, `$skip` and `$count` run in the database; `$select` is applied to the rows read. Pages after the first
 * continue after the last row's sort keys (keyset pagination), so walking every page stays linear.
 */
export class PostgresQueries implements CollectionQueries {
  private walksStarted = 0;

  constructor(
    private readonly db: Database,
    private readonly path: string,
    private readonly tokens: TokenSource,
  ) {}

  async page(query: CollectionQuery, ctx: StoreQueryContext): Promise<QueryPage> {
    if (query.skiptoken !== undefined) return this.continue(query.skiptoken, ctx);
    const count = query.count ? await this.count(query, ctx) : undefined;
    return this.read(query, ctx, { remaining: query.top, skip: query.skip ?? 0, after: undefined, count });
  }

  async count(query: CollectionQuery, ctx: StoreQueryContext): Promise<number> {
    const params = new SqlParams();
    const set = params.add(this.path);
    const where = compileWhere(query, ctx.type, ctx.model, params);
    const [row] = await this.select<{ n: string }>(`SELECT count(*) AS n FROM mockgraph_entities WHERE entity_set = ${set} AND (${where})`, params, ctx);
    return Number(row?.n ?? 0);
  }

  private async continue(token: string, ctx: StoreQueryContext): Promise<QueryPage> {
    const { secret } = await this.tokens();
    const state = new PageTokens(secret).decode(token, ctx.now());
    if (!wellFormed(state)) throw invalidToken();
    // The walk and the reset generation in one round trip.
    const [row] = await this.db.run<{ query: string | null; generation: string | null }>(
      'SELECT (SELECT query FROM mockgraph_walks WHERE id = $1) AS query, (SELECT value FROM mockgraph_settings WHERE name = $2) AS generation',
      [state.walk, GENERATION_SETTING],
    );
    const generation = row?.generation ?? '0';
    if (state.generation !== generation) throw invalidToken();
    if (typeof row?.query !== 'string') {
      throw new GraphError('BadRequest', `The $skiptoken refers to a result this sandbox no longer keeps (it keeps the ${MAX_WALKS.toLocaleString('en-US')} most recent ones). Start again from the first page.`);
    }
    const walk = JSON.parse(row.query) as WalkQuery;
    if (walk.set !== this.path) throw invalidToken();
    return this.read(queryOf(walk, ctx), ctx, { remaining: state.remaining, skip: 0, after: state.after, count: state.count, walk: { id: state.walk, generation } });
  }

  /** Keeps the query of a new walk; every WALKS_BETWEEN_PRUNES walks, forgets expired walks and those beyond MAX_WALKS. */
  private async remember(query: CollectionQuery): Promise<Walk> {
    const walk: WalkQuery = {
      set: this.path,
      ...(query.filter && { filter: query.filter.text }),
      ...(query.search && { search: query.search.text }),
      ...(query.orderbyText !== undefined && { orderby: query.orderbyText }),
      ...(query.select && { select: query.select.map((item) => item.text).join(',') }),
      ...(query.cast && { cast: query.cast.type }),
    };
    const id = randomBytes(12).toString('base64url');
    // The reset generation the walk's tokens are signed with, read by the same statement.
    const [row] = await this.db.run<{ generation: string | null }>(
      'INSERT INTO mockgraph_walks (id, query) VALUES ($1, $2) RETURNING (SELECT value FROM mockgraph_settings WHERE name = $3) AS generation',
      [id, JSON.stringify(walk), GENERATION_SETTING],
    );
    if (++this.walksStarted % WALKS_BETWEEN_PRUNES === 0) {
      await this.db.run(
        `DELETE FROM mockgraph_walks WHERE created < now() - make_interval(secs => $1) OR id IN (SELECT id FROM mockgraph_walks ORDER BY created DESC OFFSET $2)`,
        [CURSOR_TTL_SECONDS, MAX_WALKS],
      );
    }
    return { id, generation: row?.generation ?? '0' };
  }

  /** One page: `want` more rows (at most a page), after `after` (the last row's keys) or from `skip`. */
  private async read(query: CollectionQuery, ctx: StoreQueryContext, from: { remaining: number | undefined; skip: number; after: unknown[] | undefined; count: number | undefined; walk?: Walk }): Promise<QueryPage> {
    const params = new SqlParams();
    const set = params.add(this.path);
    const keys = compileOrder(query.orderby, ctx.type, ctx.model);
    const conditions = [`entity_set = ${set}`, `(${compileWhere(query, ctx.type, ctx.model, params)})`];
    if (from.after) conditions.push(`(${keysetAfterOrInvalid(keys, from.after, params)})`);
    const wanted = Math.min(from.remaining ?? Infinity, ctx.pageSize + 1);
    const limit = params.add(wanted);
    const offset = from.skip > 0 ? ` OFFSET ${params.add(from.skip)}` : '';
    const columns = keys.map((k, i) => `${k.sql} AS k${i}`).join(', ');
    const rows = await this.select<Record<string, unknown> & { doc: string }>(
      `SELECT doc, ${columns} FROM mockgraph_entities WHERE ${conditions.join(' AND ')} ORDER BY ${orderByClause(keys)} LIMIT ${limit}${offset}`,
      params,
      ctx,
    );
    const more = rows.length > ctx.pageSize;
    const page = more ? rows.slice(0, ctx.pageSize) : rows;
    const entities = page.map((row) => projectEntity(JSON.parse(row.doc) as Entity, query.select));
    const select = query.select?.map((item) => item.text);
    if (!more) return { entities, count: from.count, nextToken: undefined, select };
    const last = page[page.length - 1]!;
    const { secret } = await this.tokens();
    const walk = from.walk ?? (await this.remember(query));
    const state: PageState = {
      walk: walk.id,
      ...(from.remaining !== undefined && { remaining: from.remaining - page.length }),
      ...(from.count !== undefined && { count: from.count }),
      after: keys.map((_, i) => last[`k${i}`]),
      generation: walk.generation,
      issued: Math.floor(ctx.now().getTime() / 1000),
    };
    return { entities, count: from.count, nextToken: new PageTokens(secret).encode(state), select };
  }

  /** A collection query on the query pool, whose statement timeout is the evaluation budget. */
  private async select<R extends Record<string, unknown>>(text: string, params: SqlParams, ctx: StoreQueryContext): Promise<R[]> {
    try {
      return await this.db.runQuery<R>(text, params.values, ctx.budgetMs);
    } catch (err) {
      if ((err as { code?: unknown }).code === QUERY_CANCELED) throw budgetExceeded(ctx.budgetMs);
      throw err;
    }
  }
}
