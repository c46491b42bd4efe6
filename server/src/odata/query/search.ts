import { recordedTypeOf } from '../../graph/derived-types';
import type { GraphModel, StructuredTypeModel } from '../../graph/model';
import type { Entity } from '../../store/store';
import type { WorkMeter } from './apply';

type Value = unknown;

/** Every Edm.String location of a type that `$search` reads, as property paths (null marks "each item" of a collection). */
export function stringPaths(type: StructuredTypeModel, model: GraphModel, depth = 0): Array<Array<string | null>> {
  const paths: Array<Array<string | null>> = [];
  for (const p of type.properties) {
    if (p.readOnly) continue;
    const complex = p.complex ? model.resolveType(p.type) : undefined;
    const head = p.collection ? [p.name, null] : [p.name];
    if (p.type === 'Edm.String') paths.push(head);
    else if (complex && depth < 4) for (const rest of stringPaths(complex, model, depth + 1)) paths.push([...head, ...rest]);
  }
  return paths;
}

function stringsAt(value: Value, path: ReadonlyArray<string | null>, out: string[]): void {
  if (value === null || value === undefined) return;
  if (path.length === 0) {
    if (typeof value === 'string') out.push(value);
    return;
  }
  const [head, ...rest] = path;
  if (head === null) {
    if (Array.isArray(value)) for (const item of value) stringsAt(item, rest, out);
  } else if (head !== undefined && typeof value === 'object' && !Array.isArray(value)) stringsAt((value as Record<string, unknown>)[head], rest, out);
}

/**
 * `$search`: true when the term occurs, case-insensitively, in any declared Edm.String value of the entity (of
 * its own type, a derived one included), at any depth (collections and complex values, as their declared
 * types); the key, date-times, numbers and dynamic properties are not searched. The characters it reads are added to `meter`, so a scan looks at its clock after an
 * entity of long strings.
 */
export function compileSearch(term: string, type: StructuredTypeModel, model: GraphModel, meter: WorkMeter = { units: 0 }): (entity: Entity) => boolean {
  const needle = term.toLowerCase();
  const byType = new Map<string, Array<Array<string | null>>>();
  const pathsOf = (own: StructuredTypeModel) => {
    let paths = byType.get(own.name);
    if (!paths) byType.set(own.name, (paths = stringPaths(own, model)));
    return paths;
  };
  const matches = (s: string) => {
    meter.units += s.length;
    return s.toLowerCase().includes(needle);
  };
  return (entity) => {
    const found: string[] = [];
    for (const p of pathsOf(recordedTypeOf(entity, type, model))) {
      stringsAt(entity, p, found);
      if (found.some(matches)) return true;
      found.length = 0;
    }
    return false;
  };
}
