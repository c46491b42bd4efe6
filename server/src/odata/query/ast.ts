/** The type of a filter expression, in Edm terms. `null` is the type of the `null` literal. */
export interface ExprType {
  /** `Edm.String`, `Edm.Int32`, `Edm.Int64`, `Edm.Decimal`, `Edm.Boolean`, `Edm.DateTimeOffset`, `null`, or a complex type name. */
  edm: string;
  collection: boolean;
  /** For an enumeration type: its members in declared order (values compare and sort by it). */
  members?: readonly string[];
}

/** Comparison operators. @see OData URL Conventions §5.1.1.1 */
export const COMPARISON_OPERATORS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
/** One comparison operator. */
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/** String functions. @see OData URL Conventions §5.1.1.5 */
export const FILTER_FUNCTIONS = ['startswith', 'endswith', 'contains', 'tolower', 'toupper'] as const;
/** One supported function. */
export type FilterFunction = (typeof FILTER_FUNCTIONS)[number];

/** A literal value; DateTimeOffset literals are kept as text and compared as instants. */
export interface LiteralExpr {
  kind: 'literal';
  type: ExprType;
  value: string | number | boolean | null;
}

/** A property path from the current item (`vendorInformation/provider`) or from a lambda variable (`c/name`). */
export interface PathExpr {
  kind: 'path';
  /** The lambda variable the path starts from, or undefined for the entity itself. */
  variable: string | undefined;
  segments: string[];
  type: ExprType;
}

/** A typed filter expression tree. */
export type Expr =
  | LiteralExpr
  | PathExpr
  | { kind: 'compare'; op: ComparisonOperator; left: Expr; right: Expr; type: ExprType }
  | { kind: 'and' | 'or'; left: Expr; right: Expr; type: ExprType }
  | { kind: 'not'; operand: Expr; type: ExprType }
  | { kind: 'in'; operand: Expr; values: LiteralExpr[]; type: ExprType }
  | { kind: 'call'; fn: FilterFunction; args: Expr[]; type: ExprType }
  | { kind: 'lambda'; op: 'any' | 'all'; collection: PathExpr; variable: string | undefined; predicate: Expr | undefined; type: ExprType };

/** One `$orderby` key. */
export interface OrderKey {
  segments: string[];
  descending: boolean;
  type: ExprType;
}

/** The system query options of a collection request, parsed and checked against the entity type. */
export interface CollectionQuery {
  filter: { text: string; expr: Expr } | undefined;
  search: { text: string; term: string } | undefined;
  orderby: OrderKey[];
  orderbyText: string | undefined;
  select: string[] | undefined;
  top: number | undefined;
  skip: number | undefined;
  count: boolean;
  skiptoken: string | undefined;
}

/** The Edm type of a boolean result. */
export const BOOLEAN: ExprType = { edm: 'Edm.Boolean', collection: false };
