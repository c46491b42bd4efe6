import { GraphError } from '../../graph/errors';

/** A value a compiled query passes to PostgreSQL: never written into the SQL text. */
export type SqlValue = string | number | boolean | null | readonly string[] | readonly number[] | readonly boolean[];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Checks a string for PostgreSQL. NUL cannot be held (the compiler rewrites every literal that has one, so meeting
 * it here is a bug); a lone UTF-16 surrogate cannot be encoded in UTF-8 (the driver would send U+FFFD instead),
 * and its code-unit semantics cannot be reproduced in SQL: a 400. A URL never decodes to one.
 */
function assertSendable(value: string): void {
  if (value.includes('\u0000')) throw new Error('a query parameter holds the NUL character, which PostgreSQL text cannot hold; the compiler must not send it');
  if (LONE_SURROGATE.test(value)) throw new GraphError('BadRequest', 'The query holds a lone UTF-16 surrogate (half of a character), which the PostgreSQL store cannot compare; send well-formed Unicode text.');
}

/**
 * The parameters of one statement: `add(value)` keeps the value and answers its placeholder (`$1`, `$2`, …) for
 * the SQL text. Strings PostgreSQL cannot hold are refused here (see assertSendable), so no value is altered on the way.
 */
export class SqlParams {
  readonly values: SqlValue[] = [];

  /** Keeps `value` and answers its placeholder. */
  add(value: SqlValue): string {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string') assertSendable(v);
      else if (typeof v === 'number' && Number.isNaN(v)) throw new Error('a query parameter is NaN');
    }
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A property name, enum member or column that may be written into SQL text: an OData simple identifier. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** Names known to the model's types (checked once per model). */
const modelNames = new WeakMap<object, ReadonlySet<string>>();

/**
 * `name` as an SQL string literal (`'name'`), for JSON keys and enum members that come from the model. Only an OData
 * simple identifier passes (no quote, backslash or other character that could end the literal), so model data can
 * never change the statement; writing them into the text (not as parameters) is what lets an expression index match.
 */
export function identifierLiteral(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`'${name}' is not an OData identifier; it cannot be compiled to SQL`);
  return `'${name}'`;
}

/** A JSON key of a structured value of the model, as an SQL literal; a name the model does not declare is refused (without a model: any identifier). */
export function propertyLiteral(name: string, model: { types: ReadonlyArray<{ properties: ReadonlyArray<{ name: string }> }> } | undefined): string {
  if (!model) return identifierLiteral(name);
  let names = modelNames.get(model);
  if (!names) modelNames.set(model, (names = new Set(model.types.flatMap((t) => t.properties.map((p) => p.name)))));
  if (!names.has(name)) throw new Error(`'${name}' is not a property of the model; it cannot be compiled to SQL`);
  return identifierLiteral(name);
}
