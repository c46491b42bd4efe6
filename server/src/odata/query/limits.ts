/**
 * Every limit on what a query may cost, in one place. The three validation limits are ASP.NET Core OData's
 * defaults (`ODataValidationSettings`); the rest are mockgraph's own.
 */

/** The longest `$filter` accepted, in characters. Longer ones are refused before any parsing. */
export const MAX_FILTER_LENGTH = 4096;
/** The deepest nesting accepted: parentheses, `not`, function calls and lambdas each add a level. */
export const MAX_FILTER_DEPTH = 32;
/** How deeply `any`/`all` may nest: 1 means a lambda may not contain another. @see ODataValidationSettings.MaxAnyAllExpressionDepth */
export const MAX_ANY_ALL_DEPTH = 1;
/** The most nodes a `$filter` tree may have. @see ODataValidationSettings.MaxNodeCount */
export const MAX_NODE_COUNT = 100;
/** The most `$orderby` clauses. @see ODataValidationSettings.MaxOrderByNodeCount */
export const MAX_ORDERBY_CLAUSES = 5;

/** Evaluation time (filtering and searching a collection) one request may spend before it is stopped with a 400. */
export const EVALUATION_BUDGET_MS = 1000;
/** Evaluation runs in slices of about this long, yielding to the event loop between them. */
export const EVALUATION_SLICE_MS = 15;
/** How many evaluations that outlast their first slice progress at once; the others wait their turn, first come first served. */
export const MAX_ACTIVE_EVALUATIONS = 2;
/** How many evaluations may wait for their turn; a query that would wait beyond them is answered 503 with Retry-After. */
export const MAX_QUEUED_EVALUATIONS = 64;
/** The first slice of a query that arrives while every turn is taken: it may finish unqueued only if it is this quick. */
export const CONTENDED_FIRST_SLICE_MS = 2;
/** The longest one query may take from its first slice to its answer, waiting for its turn included, before a 503. */
export const EVALUATION_DEADLINE_MS = 10_000;

/** How long a `$skiptoken` stays valid. */
export const CURSOR_TTL_SECONDS = 30 * 60;
/** How many paging snapshots are kept at most (least recently used go first). */
export const MAX_SNAPSHOTS = 256;
/** How many result ids all paging snapshots hold together at most (least recently used go first). */
export const MAX_SNAPSHOT_IDS = 2_000_000;
