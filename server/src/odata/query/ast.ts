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

/**
 * Whether a structured value is of a type or of one derived from it, resolved against the model when parsed:
 * the evaluator only compares the type a value records. @see OData URL Conventions §5.1.1.11.4 (isof)
 */
export interface TypeTest {
  /** The qualified name of the type tested for. */
  type: string;
  /** Whether a value that records no type of its own (one of the type declared for it) passes. */
  declared: boolean;
  /** The recorded types that pass: the type and every type derived from it. */
  recorded: readonly string[];
}

/** A type-cast segment of a path (`microsoft.graph.x/name`): it stands before segment `at` (0: the start of the path). */
export interface PathCast {
  at: number;
  test: TypeTest;
}

/** A property path from the current item (`vendorInformation/provider`) or from a lambda variable (`c/name`). */
export interface PathExpr {
  kind: 'path';
  /** The lambda variable the path starts from, or undefined for the entity itself. */
  variable: string | undefined;
  /** The property names along the path (type casts are in `casts`). */
  segments: string[];
  /** Its type casts, in path order: a value not of the cast type reads as null (a collection keeps the items that are). */
  casts?: readonly PathCast[];
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
  /** `isof('T')` (of the current item) or `isof(path, 'T')`. */
  | { kind: 'isof'; operand: PathExpr | undefined; test: TypeTest; type: ExprType }
  | { kind: 'lambda'; op: 'any' | 'all'; collection: PathExpr; variable: string | undefined; predicate: Expr | undefined; type: ExprType };

/** One `$orderby` key. */
export interface OrderKey {
  segments: string[];
  descending: boolean;
  type: ExprType;
}

/** One `$select` item: a property, of every entity or (after a type cast) of the entities of that type. */
export interface SelectItem {
  /** As the context URL lists it: `name` or `microsoft.graph.x/name`. */
  text: string;
  property: string;
  cast: TypeTest | undefined;
}

/** The system query options of a collection request, parsed and checked against the entity type. */
export interface CollectionQuery {
  /** The type cast of the collection's URL (`/{set}/microsoft.graph.x`): only its entities are in the result. */
  cast?: TypeTest;
  filter: { text: string; expr: Expr } | undefined;
  search: { text: string; term: string } | undefined;
  orderby: OrderKey[];
  orderbyText: string | undefined;
  select: SelectItem[] | undefined;
  top: number | undefined;
  skip: number | undefined;
  count: boolean;
  skiptoken: string | undefined;
}

/** The Edm type of a boolean result. */
export const BOOLEAN: ExprType = { edm: 'Edm.Boolean', collection: false };
