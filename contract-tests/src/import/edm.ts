import { plainText, readLinks } from '../markdown-structure';
import type { DocLink } from '../doc-page';

/** Graph's default namespace: type names written without one are in it. */
export const DEFAULT_NAMESPACE = 'microsoft.graph';

/** The Edm primitive types the importer maps, by the spellings Graph's tables use for them. */
const PRIMITIVES: Record<string, string> = {
  string: 'Edm.String', int32: 'Edm.Int32', int: 'Edm.Int32', integer: 'Edm.Int32', int64: 'Edm.Int64', long: 'Edm.Int64',
  int16: 'Edm.Int16', byte: 'Edm.Byte', sbyte: 'Edm.SByte', boolean: 'Edm.Boolean', bool: 'Edm.Boolean',
  double: 'Edm.Double', single: 'Edm.Single', float: 'Edm.Single', decimal: 'Edm.Decimal',
  datetimeoffset: 'Edm.DateTimeOffset', datetime: 'Edm.DateTimeOffset', timestamp: 'Edm.DateTimeOffset',
  date: 'Edm.Date', timeofday: 'Edm.TimeOfDay', duration: 'Edm.Duration', timespan: 'Edm.Duration',
  guid: 'Edm.Guid', binary: 'Edm.Binary', stream: 'Edm.Stream',
};

/** The kind of JSON value a type is written as, the level at which the table and the JSON representation are compared. */
export type JsonKind = 'string' | 'integer' | 'number' | 'boolean' | 'object';

/** The Edm name of a primitive written as `String`, `Int32`, `Edm.Guid`, …, or undefined for a type name. */
export function primitiveType(name: string): string | undefined {
  return PRIMITIVES[name.trim().replace(/^edm\./i, '').toLowerCase()];
}

/** True for `Edm.*` names. */
export function isPrimitive(type: string): boolean {
  return type.startsWith('Edm.');
}

/** A type cell as the page writes it: `String collection`, `[x](x.md) collection`, `Collection(microsoft.graph.x)`, `[x](#x-values)`. */
export interface TypeCell {
  /** The type's name as written, markup removed (or `Edm.*` for a primitive). */
  name: string;
  collection: boolean;
  link: DocLink | undefined;
}

/** Reads a table's type cell. */
export function parseTypeCell(cell: string): TypeCell {
  const link = readLinks(cell)[0];
  let text = plainText(cell).replace(/`/g, '');
  const wrapped = /^Collection\((.+)\)$/i.exec(text);
  const collection = wrapped !== null || /\s+collection$/i.test(text);
  text = (wrapped?.[1] ?? text.replace(/\s+collection$/i, '')).replace(/\s*\(.*\)\s*$/, '').trim();
  const primitive = primitiveType(text);
  return { name: primitive ?? text, collection, link };
}

/** The qualified name of a type written without its namespace. */
export function qualify(name: string, namespace = DEFAULT_NAMESPACE): string {
  return name.includes('.') ? name : `${namespace}.${name}`;
}

/** The unqualified name: `microsoft.graph.tiIndicator` → `tiIndicator`. */
export function localName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

/** The JSON kind of a primitive; structured types are objects, enums strings (the caller knows which). */
export function kindOf(type: string, isEnum: boolean): JsonKind {
  if (isEnum) return 'string';
  if (!isPrimitive(type)) return 'object';
  if (/^Edm\.(U?Int\d+|S?Byte)$/.test(type)) return 'integer';
  if (/^Edm\.(Double|Single|Decimal)$/.test(type)) return 'number';
  if (type === 'Edm.Boolean') return 'boolean';
  return 'string';
}

/** Whether a value kind fits a declared kind (an integer is a number; a number that is a whole one fits neither check alone). */
export function kindFits(actual: JsonKind, declared: JsonKind): boolean {
  return actual === declared || (actual === 'integer' && declared === 'number');
}

/** What a JSON representation's placeholder value says: `"String (timestamp)"`, `1024`, `["String"]`, `{"@odata.type": …}`. */
export interface LiteralType {
  kind: JsonKind | undefined;
  /** The Edm or qualified type the literal names, when it names one. */
  type: string | undefined;
  collection: boolean;
}

/** Reads the type a JSON representation (or example) value implies. */
export function literalType(value: unknown): LiteralType {
  if (Array.isArray(value)) {
    const item = value.length > 0 ? literalType(value[0]) : { kind: undefined, type: undefined, collection: false };
    return { ...item, collection: true };
  }
  if (typeof value === 'boolean') return { kind: 'boolean', type: 'Edm.Boolean', collection: false };
  if (typeof value === 'number') return Number.isInteger(value) ? { kind: 'integer', type: undefined, collection: false } : { kind: 'number', type: 'Edm.Double', collection: false };
  if (typeof value === 'string') {
    const wrapped = /^Collection\((.+)\)$/i.exec(value.trim());
    if (wrapped) return { ...literalType(wrapped[1]), collection: true };
    if (/\((timestamp|date ?time)\)/i.test(value)) return { kind: 'string', type: 'Edm.DateTimeOffset', collection: false };
    const named = primitiveType(value) ?? (/^microsoft\.graph(\.\w+)+$/i.test(value.trim()) ? value.trim() : undefined);
    if (named) return { kind: kindOf(named, false), type: named, collection: false };
    return { kind: 'string', type: undefined, collection: false };
  }
  if (typeof value === 'object' && value !== null) {
    const named = (value as Record<string, unknown>)['@odata.type'];
    return { kind: 'object', type: typeof named === 'string' ? named.replace(/^#/, '') : undefined, collection: false };
  }
  return { kind: undefined, type: undefined, collection: false };
}

/** The value schema of a primitive (without null), as schemas/README.md's type mapping writes it. */
export function primitiveSchema(type: string): Record<string, unknown> {
  switch (type) {
    case 'Edm.Int32': return { type: 'integer', minimum: -2147483648, maximum: 2147483647 };
    case 'Edm.Int64': return { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 };
    case 'Edm.Int16': return { type: 'integer', minimum: -32768, maximum: 32767 };
    case 'Edm.Byte': return { type: 'integer', minimum: 0, maximum: 255 };
    case 'Edm.SByte': return { type: 'integer', minimum: -128, maximum: 127 };
    case 'Edm.Double': case 'Edm.Single': case 'Edm.Decimal': return { type: 'number' };
    case 'Edm.Boolean': return { type: 'boolean' };
    case 'Edm.DateTimeOffset': return { type: 'string', format: 'date-time' };
    case 'Edm.Date': return { type: 'string', format: 'date' };
    // OData's timeOfDayValue: hours 00–23, minutes and seconds 00–59, up to twelve fractional digits.
    case 'Edm.TimeOfDay': return { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,12})?)?$' };
    case 'Edm.Duration': return { type: 'string', format: 'duration' };
    case 'Edm.Guid': return { type: 'string', format: 'uuid' };
    case 'Edm.Untyped': return {};
    default: return { type: 'string' };
  }
}

/** A valid value of a primitive, for generated examples (date-times as the docs write them). */
export function primitiveSample(type: string): unknown {
  switch (kindOf(type, false)) {
    case 'integer': case 'number': return 0;
    case 'boolean': return false;
    default:
      return ({ 'Edm.DateTimeOffset': '2014-01-01T00:00:00Z', 'Edm.Date': '2014-01-01', 'Edm.TimeOfDay': '00:00:00', 'Edm.Duration': 'PT0S', 'Edm.Guid': '00000000-0000-0000-0000-000000000000' } as Record<string, string>)[type] ?? 'String';
  }
}

/**
 * Picks one spelling among names that are equal but for casing. Graph's names are lowerCamelCase, so a spelling
 * that starts lower-case and has inner capitals wins, then one that starts lower-case, then the most frequent, then the first.
 */
export function preferSpelling(spellings: readonly string[]): string {
  const score = (s: string) => (/^[a-z]/.test(s) ? 2 : 0) + (/[A-Z]/.test(s.slice(1)) ? 1 : 0);
  const count = (s: string) => spellings.filter((x) => x === s).length;
  return [...spellings].sort((a, b) => score(b) - score(a) || count(b) - count(a) || spellings.indexOf(a) - spellings.indexOf(b))[0] ?? '';
}
