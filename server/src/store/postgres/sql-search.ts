import type { GraphModel, StructuredTypeModel } from '../../graph/model';
import { stringPaths as searchPaths } from '../../odata/query/search';
import type { CompileContext } from './sql-values';
import { BODY, casing, ordinal, recordedKey } from './sql-values';
import { propertyLiteral } from './sql-params';

/** "Some string at `path` from `value`, lower-cased, contains the needle". */
function foundAt(value: string, path: ReadonlyArray<string | null>, needle: string, ctx: CompileContext): string {
  const [head, ...rest] = path;
  if (head === undefined) return `(strpos(${casing('tolower', `mockgraph_string(${value})`)}, ${needle}) > 0)`;
  if (head !== null) return foundAt(`${value} -> ${propertyLiteral(head, ctx.model)}`, rest, needle, ctx);
  const alias = `s${++ctx.aliases.next}`;
  return `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${value}) = 'array' THEN ${value} END) AS ${alias}(v) WHERE ${foundAt(`${alias}.v`, rest, needle, ctx)})`;
}

function foundIn(type: StructuredTypeModel, needle: string, ctx: CompileContext): string {
  const paths = searchPaths(type, ctx.model);
  return paths.length === 0 ? 'FALSE' : `(${paths.map((p) => foundAt(BODY, p, needle, ctx)).join(' OR ')})`;
}

/**
 * `$search`: the term, lower-cased, within any declared Edm.String value of the entity's own type (the type it
 * records when that derives from the set's, resolved as the model resolves names), as compileSearch has it.
 */
export function searchSql(term: string, type: StructuredTypeModel, model: GraphModel, ctx: CompileContext): string {
  const lowered = term.toLowerCase();
  // No stored string holds NUL, so a term with one is found nowhere.
  if (lowered.includes('\u0000')) return 'FALSE';
  const needle = ordinal(`${ctx.params.add(lowered)}::text`);
  const derived = model.types.filter((t) => t !== type && model.derivesFrom(t.name, type.name));
  if (derived.length === 0) return foundIn(type, needle, ctx);
  // The recorded name as resolveType reads it: without a leading '#', case-insensitively.
  const own = `mockgraph_string(${BODY} -> ${recordedKey()})`;
  const normalized = casing('tolower', `CASE WHEN left(${own}, 1) = '#' THEN substr(${own}, 2) ELSE ${own} END`);
  const branches = derived.map((t) => `WHEN ${normalized} = ${ordinal(`${ctx.params.add(t.name.toLowerCase())}::text`)} THEN ${foundIn(t, needle, ctx)}`);
  return `(CASE ${branches.join(' ')} ELSE ${foundIn(type, needle, ctx)} END)`;
}
