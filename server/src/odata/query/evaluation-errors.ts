import { GraphError } from '../../graph/errors';

/** A duration as an adjective ("1-second", "15-millisecond"). */
function showBudget(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}-second` : `${ms}-millisecond`;
}

/** A duration as a phrase ("10 seconds", "1 second", "40 milliseconds"). */
function showDuration(ms: number): string {
  if (ms >= 1000 && ms % 1000 === 0) return ms === 1000 ? '1 second' : `${ms / 1000} seconds`;
  return ms === 1 ? '1 millisecond' : `${ms} milliseconds`;
}

/** The 400 for a query that used up its evaluation budget. */
export function budgetExceeded(budgetMs: number): GraphError {
  return new GraphError(
    'BadRequest',
    `The query was stopped: it exceeded mockgraph's ${showBudget(budgetMs)} evaluation budget. Narrow it with a more selective $filter (eq, in or a range on one property), fewer contains(), any() or all() terms, or a more specific $search term; $top and $skip do not reduce the work of filtering.`,
  );
}

/** The error a query stops with when its client has disconnected (nobody reads it; the request log does). */
export function clientGone(): GraphError {
  return new GraphError('BadRequest', 'The client closed the connection before the query finished; its evaluation was stopped.');
}

/** The 503 for a long query that arrives while as many as the queue holds already wait for their turn. */
export function evaluationsBusy(maxQueued: number): GraphError {
  return new GraphError('ServiceUnavailable', `The query was refused: mockgraph is busy with other long queries (${maxQueued} are already waiting for their turn). Retry after 1 second.`, { 'Retry-After': '1' });
}

/** The 503 for a query that did not finish within the deadline of its arrival, waiting for its turn included. */
export function deadlinePassed(deadlineMs: number): GraphError {
  return new GraphError(
    'ServiceUnavailable',
    `The query was stopped: mockgraph is busy with other long queries, and it did not finish within ${showDuration(deadlineMs)} of arriving (waiting for its turn included). Retry after 1 second.`,
    { 'Retry-After': '1' },
  );
}
