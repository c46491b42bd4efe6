import { GraphError } from '../../graph/errors';
import type { GraphModel, StructuredTypeModel } from '../../graph/model';
import type { ComparisonOperator, Expr, ExprType, FilterFunction, LiteralExpr, PathExpr } from './ast';
import { BOOLEAN, COMPARISON_OPERATORS, FILTER_FUNCTIONS } from './ast';
import type { Token } from './lexer';
import { describeToken, syntaxError, tokenize } from './lexer';
import { checkFilterCost } from './filter-cost';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH } from './limits';
import type { ResolvedPath } from './property-path';
import { isQualifiedName, resolvePropertyPath, showType } from './property-path';
import { queryType, typeTestFor } from './type-tests';

const OPERATOR_KIND: Record<ComparisonOperator, string> = { eq: 'Equal', ne: 'NotEqual', gt: 'GreaterThan', ge: 'GreaterThanOrEqual', lt: 'LessThan', le: 'LessThanOrEqual' };
const NUMERIC = new Set(['Edm.Byte', 'Edm.SByte', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.Decimal', 'Edm.Double', 'Edm.Single']);
/** Primitive types whose values are JSON strings compared as such (ISO dates and times sort as text). */
const STRING_LIKE = new Set(['Edm.String', 'Edm.Guid', 'Edm.Date', 'Edm.TimeOfDay', 'Edm.Duration', 'Edm.Binary']);
const STRING: ExprType = { edm: 'Edm.String', collection: false };

/** The class in which two scalar types are comparable. */
function comparableClass(t: ExprType): string | undefined {
  if (t.collection) return undefined;
  if (NUMERIC.has(t.edm)) return 'number';
  // An enum compares with string literals naming its members (`severity eq 'high'`). @see OData ABNF enum
  if (t.members || STRING_LIKE.has(t.edm)) return 'Edm.String';
  if (t.edm === 'Edm.Boolean' || t.edm === 'Edm.DateTimeOffset' || t.edm === 'null') return t.edm;
  return undefined;
}

/** True when a value of `a` can be compared with one of `b` (null compares with any scalar). */
export function comparable(a: ExprType, b: ExprType): boolean {
  const [ca, cb] = [comparableClass(a), comparableClass(b)];
  if (ca === undefined || cb === undefined) return false;
  return ca === cb || ca === 'null' || cb === 'null';
}

/** A string literal compared with an enum must name one of its members. */
function assertEnumMember(type: ExprType, other: Expr): void {
  if (!type.members || other.kind !== 'literal' || typeof other.value !== 'string') return;
  if (!type.members.includes(other.value)) {
    throw new GraphError('BadRequest', `The string '${other.value}' is not a valid enumeration type constant of ${type.edm}; its members are ${type.members.join(', ')}.`);
  }
}

interface Scope {
  name: string;
  type: ExprType;
}

class FilterParser {
  private i = 0;
  private readonly scopes: Scope[] = [];

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
    private readonly type: StructuredTypeModel,
    private readonly model: GraphModel,
  ) {}

  parse(): Expr {
    const expr = this.parseOr(0);
    if (this.peek().kind !== 'end') this.fail("an operator ('and', 'or', 'eq', …) or the end of the expression");
    if (expr.type.edm !== 'Edm.Boolean') throw new GraphError('BadRequest', `The $filter expression must be a boolean condition, found ${showType(expr.type)}.`);
    return expr;
  }

  private peek(offset = 0): Token {
    return this.tokens[this.i + offset] ?? this.tokens[this.tokens.length - 1]!;
  }

  private next(): Token {
    const t = this.peek();
    this.i++;
    return t;
  }

  private fail(expected: string, token: Token = this.peek()): never {
    throw syntaxError('$filter', this.text, token.pos, expected, describeToken(token));
  }

  private isWord(value: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'word' && t.value.toLowerCase() === value;
  }

  private isPunct(value: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'punct' && t.value === value;
  }

  private expectPunct(value: '(' | ')' | ',' | ':' | '/'): void {
    if (!this.isPunct(value)) this.fail(`'${value}'`);
    this.i++;
  }

  private deeper(depth: number): number {
    if (depth + 1 > MAX_FILTER_DEPTH) throw new GraphError('BadRequest', `The $filter expression is nested deeper than ${MAX_FILTER_DEPTH} levels (at position ${this.peek().pos}).`);
    return depth + 1;
  }

  private requireBoolean(e: Expr, what: string): void {
    if (e.type.edm !== 'Edm.Boolean' && e.type.edm !== 'null') throw new GraphError('BadRequest', `The operand of '${what}' must be a boolean condition, found ${showType(e.type)}.`);
  }

  private parseOr(depth: number): Expr {
    return this.parseChain('or', () => this.parseAnd(depth));
  }

  private parseAnd(depth: number): Expr {
    return this.parseChain('and', () => this.parseNot(depth));
  }

  /** `a op b op c …`, left-associative, for the boolean operators `and` and `or`. */
  private parseChain(kind: 'and' | 'or', operand: () => Expr): Expr {
    let left = operand();
    while (this.isWord(kind)) {
      this.i++;
      const right = operand();
      this.requireBoolean(left, kind);
      this.requireBoolean(right, kind);
      left = { kind, left, right, type: BOOLEAN };
    }
    return left;
  }

  private parseNot(depth: number): Expr {
    if (!this.isWord('not')) return this.parseComparison(depth);
    this.i++;
    const operand = this.parseNot(this.deeper(depth));
    this.requireBoolean(operand, 'not');
    return { kind: 'not', operand, type: BOOLEAN };
  }

  private parseComparison(depth: number): Expr {
    const left = this.parsePrimary(depth);
    const t = this.peek();
    const op = t.kind === 'word' ? (COMPARISON_OPERATORS as readonly string[]).find((o) => o === t.value.toLowerCase()) : undefined;
    if (op) {
      this.i++;
      const right = this.parsePrimary(depth);
      assertEnumMember(left.type, right);
      assertEnumMember(right.type, left);
      if (!comparable(left.type, right.type)) {
        throw new GraphError(
          'BadRequest',
          `A binary operator with incompatible types was detected. Found operand types '${showType(left.type)}' and '${showType(right.type)}' for operator kind '${OPERATOR_KIND[op as ComparisonOperator]}'.`,
        );
      }
      return { kind: 'compare', op: op as ComparisonOperator, left, right, type: BOOLEAN };
    }
    if (this.isWord('in')) {
      this.i++;
      this.expectPunct('(');
      const values: LiteralExpr[] = [];
      do {
        const literal = this.parseLiteral();
        if (!literal) this.fail('a literal value in the in list');
        if (!comparable(left.type, literal.type)) throw new GraphError('BadRequest', `The 'in' list holds a ${showType(literal.type)} value, which cannot be compared with ${showType(left.type)}.`);
        assertEnumMember(left.type, literal);
        values.push(literal);
      } while (this.isPunct(',') && this.next());
      this.expectPunct(')');
      return { kind: 'in', operand: left, values, type: BOOLEAN };
    }
    return left;
  }

  private parseLiteral(): LiteralExpr | undefined {
    const t = this.peek();
    let literal: LiteralExpr | undefined;
    if (t.kind === 'string') literal = { kind: 'literal', type: STRING, value: t.value };
    else if (t.kind === 'datetime') literal = { kind: 'literal', type: { edm: 'Edm.DateTimeOffset', collection: false }, value: t.value };
    else if (t.kind === 'number') {
      const edm = /[.eE]/.test(t.text) ? 'Edm.Decimal' : Math.abs(t.value) <= 2147483647 ? 'Edm.Int32' : 'Edm.Int64';
      literal = { kind: 'literal', type: { edm, collection: false }, value: t.value };
    } else if (t.kind === 'word' && /^(true|false)$/i.test(t.value)) literal = { kind: 'literal', type: BOOLEAN, value: t.value.toLowerCase() === 'true' };
    else if (t.kind === 'word' && t.value.toLowerCase() === 'null') literal = { kind: 'literal', type: { edm: 'null', collection: false }, value: null };
    if (literal) this.i++;
    return literal;
  }

  private parsePrimary(depth: number): Expr {
    const inner = this.deeper(depth);
    if (this.isPunct('(')) {
      this.i++;
      const e = this.parseOr(inner);
      this.expectPunct(')');
      return e;
    }
    const literal = this.parseLiteral();
    if (literal) return literal;
    const t = this.peek();
    if (t.kind !== 'word') this.fail('a literal, a property path, a function or (');
    const fn = (FILTER_FUNCTIONS as readonly string[]).find((f) => f === t.value.toLowerCase());
    if (fn && this.isPunct('(', 1)) return this.parseCall(fn as FilterFunction, inner);
    if (t.value.toLowerCase() === 'isof' && this.isPunct('(', 1)) return this.parseIsOf(inner);
    return this.parsePath(inner);
  }

  /** A type name argument: a quoted (`'microsoft.graph.x'`) or bare qualified name. */
  private isTypeName(offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'string' || (t.kind === 'word' && isQualifiedName(t.value));
  }

  /** `isof('T')` tests the current item, `isof(path, 'T')` a complex value. @see OData URL Conventions §5.1.1.11.4 */
  private parseIsOf(depth: number): Expr {
    const name = this.next();
    this.expectPunct('(');
    let operand: PathExpr | undefined;
    // A type name first, not followed by `,` (or `/`, a cast path), is the only argument: the current item is tested.
    if (!this.isTypeName() || this.isPunct(',', 1) || this.isPunct('/', 1)) {
      const e = this.parseOr(depth);
      if (e.kind !== 'path' || e.type.collection || !this.model.resolveType(e.type.edm)) {
        throw new GraphError('BadRequest', `The function 'isof' tests an entity or a single complex value, found ${showType(e.type)} (position ${name.pos}); write isof('microsoft.graph.x') for the current item.`);
      }
      operand = e;
      this.expectPunct(',');
    }
    if (!this.isTypeName()) this.fail("a qualified type name, such as 'microsoft.graph.x'");
    const typeName = String((this.next() as { value: string }).value);
    this.expectPunct(')');
    const declared = operand ? this.model.resolveType(operand.type.edm)! : this.type;
    return { kind: 'isof', operand, test: typeTestFor(queryType(typeName, this.model), declared, this.model), type: BOOLEAN };
  }

  private parseCall(fn: FilterFunction, depth: number): Expr {
    const name = this.next();
    this.expectPunct('(');
    const args: Expr[] = [];
    if (!this.isPunct(')')) {
      do args.push(this.parseOr(depth));
      while (this.isPunct(',') && this.next());
    }
    this.expectPunct(')');
    const arity = fn === 'tolower' || fn === 'toupper' ? 1 : 2;
    if (args.length !== arity) throw new GraphError('BadRequest', `The function '${fn}' takes ${arity} argument${arity > 1 ? 's' : ''}, found ${args.length} (position ${name.pos}).`);
    for (const a of args) {
      if (!comparable(a.type, STRING) || a.type.edm === 'Edm.Boolean' || a.type.members) throw new GraphError('BadRequest', `The function '${fn}' takes Edm.String arguments, found ${showType(a.type)} (position ${name.pos}).`);
    }
    return { kind: 'call', fn, args, type: arity === 1 ? STRING : BOOLEAN };
  }

  private parsePath(depth: number): Expr {
    const segments: string[] = [String((this.next() as { value: string }).value)];
    while (this.isPunct('/') && this.peek(1).kind === 'word') {
      if ((this.isWord('any', 1) || this.isWord('all', 1)) && this.isPunct('(', 2)) break;
      this.i++;
      segments.push(String((this.next() as { value: string }).value));
    }
    const path = this.resolve(segments);
    if (this.isPunct('/') && (this.isWord('any', 1) || this.isWord('all', 1))) return this.parseLambda(path, depth);
    return path;
  }

  private resolve(segments: string[]): PathExpr {
    const [head = '', ...rest] = segments;
    const scope = [...this.scopes].reverse().find((s) => s.name === head);
    if (scope) {
      if (rest.length === 0) return { kind: 'path', variable: head, segments: [], type: scope.type };
      const itemType = this.model.resolveType(scope.type.edm);
      if (!itemType) throw new GraphError('BadRequest', `The lambda variable '${head}' is a ${scope.type.edm} value; it has no property '${rest[0] ?? ''}'.`);
      return pathExpr(head, resolvePropertyPath(rest, itemType, this.model));
    }
    return pathExpr(undefined, resolvePropertyPath(segments, this.type, this.model));
  }

  private parseLambda(collection: PathExpr, depth: number): Expr {
    this.expectPunct('/');
    const op = (this.next() as { value: string }).value.toLowerCase() as 'any' | 'all';
    if (!collection.type.collection) throw new GraphError('BadRequest', `${op}() applies to collections; '${collection.segments.join('/')}' is ${showType(collection.type)}.`);
    this.expectPunct('(');
    if (op === 'any' && this.isPunct(')')) {
      this.i++;
      return { kind: 'lambda', op, collection, variable: undefined, predicate: undefined, type: BOOLEAN };
    }
    const variable = this.peek();
    if (variable.kind !== 'word') this.fail(`a lambda variable name, as in ${op}(x: …)`);
    this.i++;
    this.expectPunct(':');
    this.scopes.push({ name: variable.value, type: { ...collection.type, collection: false } });
    const predicate = this.parseOr(this.deeper(depth));
    this.scopes.pop();
    this.requireBoolean(predicate, op);
    this.expectPunct(')');
    return { kind: 'lambda', op, collection, variable: variable.value, predicate, type: BOOLEAN };
  }
}

/** A path expression; `casts` only when it has any (most paths have none). */
function pathExpr(variable: string | undefined, resolved: ResolvedPath): PathExpr {
  const { names, type, casts } = resolved;
  return casts.length > 0 ? { kind: 'path', variable, segments: names, casts, type } : { kind: 'path', variable, segments: names, type };
}

/**
 * Parses and type-checks a `$filter` against the entity type, then holds it to the cost limits (node count,
 * any/all nesting). Throws 400 GraphErrors. @see OData URL Conventions §5.1.1
 */
export function parseFilter(text: string, type: StructuredTypeModel, model: GraphModel): Expr {
  if (text.length > MAX_FILTER_LENGTH) throw new GraphError('BadRequest', `The $filter expression is ${text.length} characters long; the limit is ${MAX_FILTER_LENGTH}.`);
  if (text.trim() === '') throw new GraphError('BadRequest', 'The $filter expression is empty.');
  const expr = new FilterParser(text, tokenize(text, '$filter'), type, model).parse();
  checkFilterCost(expr);
  return expr;
}
