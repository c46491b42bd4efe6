import { GraphError } from '../../graph/errors';
import type { Expr, PathExpr } from './ast';
import { MAX_ANY_ALL_DEPTH, MAX_NODE_COUNT } from './limits';

/** The 400 for an `any`/`all` inside another, worded as ASP.NET OData words it. */
export function anyAllNestingError(limit = MAX_ANY_ALL_DEPTH): GraphError {
  return new GraphError(
    'BadRequest',
    `The Any/All nesting limit of '${limit}' has been exceeded. This is mockgraph's limit (ASP.NET OData's default MaxAnyAllExpressionDepth): an any() or all() cannot contain another any() or all().`,
  );
}

/** The 400 for a `$filter` tree with too many nodes, worded as ASP.NET OData words it. */
export function nodeCountError(limit = MAX_NODE_COUNT): GraphError {
  return new GraphError(
    'BadRequest',
    `The node count limit of '${limit}' has been exceeded. This is mockgraph's limit (ASP.NET OData's default MaxNodeCount): operators, properties, literals and function calls each count; a long list of values is cheaper as in (…), which counts as one literal.`,
  );
}

/**
 * Walks a `$filter` tree in the order ASP.NET OData's FilterQueryValidator does, counting nodes as it counts
 * them (a property access and the range variable it starts from, `$it` or a lambda variable, are nodes each;
 * `x in (…)` is the in-node, its operand and one collection constant) and tracking any/all depth; the first
 * limit reached is the 400. @see ODataValidationSettings
 */
export function checkFilterCost(expr: Expr): void {
  let nodes = 0;
  const count = (n = 1) => {
    nodes += n;
    if (nodes > MAX_NODE_COUNT) throw nodeCountError();
  };
  // A path costs one node per property segment and per type-cast segment, plus one for the range variable it starts from.
  const path = (p: PathExpr) => count(p.segments.length + (p.casts?.length ?? 0) + 1);
  const visit = (e: Expr, lambdas: number): void => {
    switch (e.kind) {
      case 'literal':
        return count();
      case 'path':
        return path(e);
      case 'compare':
      case 'and':
      case 'or':
        count();
        visit(e.left, lambdas);
        return visit(e.right, lambdas);
      case 'not':
        count();
        return visit(e.operand, lambdas);
      case 'in':
        count();
        visit(e.operand, lambdas);
        return count();
      case 'call':
        count();
        for (const a of e.args) visit(a, lambdas);
        return;
      case 'isof':
        // The call, the value it tests (the range variable `$it` when none is written) and the type-name constant.
        count();
        if (e.operand) path(e.operand);
        else count();
        return count();
      case 'lambda':
        count();
        if (lambdas >= MAX_ANY_ALL_DEPTH) throw anyAllNestingError();
        path(e.collection);
        // A bare any() has a constant body, which the validator does not visit.
        if (e.predicate) visit(e.predicate, lambdas + 1);
        return;
    }
  };
  visit(expr, 0);
}
