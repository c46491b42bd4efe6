import type { Entity } from '../../store/store';
import type { OrderKey } from './ast';
import type { Value } from './values';
import { comparableValue, pathGetter } from './values';

/**
 * Comparable values of one property path for every entity of a frozen array, made once per array. A store's
 * `values()` answers a frozen array that stays the same until the next write (see store/entity-index.ts), so
 * the date-times a `$orderby` sorts on are parsed once, not once per query (parsing was most of a sort's time).
 */
const columns = new WeakMap<readonly Entity[], Map<string, readonly Value[]>>();

/** Where each entity of an array derived from a frozen one (the entities a filter kept) stands in it. */
interface Origin {
  source: readonly Entity[];
  /** Positions in `source`, one per entity; undefined when the array is a copy of `source`. */
  positions: ArrayLike<number> | undefined;
}

const origins = new WeakMap<readonly Entity[], Origin>();

/** Notes that `derived[i]` is `source[positions[i]]` (or `source[i]` without positions), so it shares its columns. */
export function noteOrigin(derived: readonly Entity[], source: readonly Entity[], positions: ArrayLike<number> | undefined): void {
  if (Object.isFrozen(source)) origins.set(derived, { source, positions });
}

/** From this many entities to sort on, and this share of the whole collection, a column is worth making. */
const COLUMN_MIN = { entities: 256, share: 1 / 8 } as const;

function column(source: readonly Entity[], key: OrderKey, wanted: number): readonly Value[] | undefined {
  let byKey = columns.get(source);
  const name = `${key.segments.join('/')}\u0000${key.type.edm}`;
  let values = byKey?.get(name);
  if (!values) {
    // Reading a few keys directly costs less than a column of a large collection that the next write discards.
    if (wanted < COLUMN_MIN.entities || wanted < source.length * COLUMN_MIN.share) return undefined;
    if (!byKey) columns.set(source, (byKey = new Map()));
    const get = pathGetter(key.segments);
    const { edm, members } = key.type;
    const made = new Array<Value>(source.length);
    for (let i = 0; i < source.length; i++) made[i] = comparableValue(get(source[i]), edm, members);
    byKey.set(name, (values = made));
  }
  return values;
}

/**
 * A reader of a sort key's comparable value by position in `entities`, from the columns of the frozen array it is
 * (or was derived from); undefined when it is neither.
 */
export function columnReader(entities: readonly Entity[], key: OrderKey): ((index: number) => Value) | undefined {
  const origin: Origin | undefined = Object.isFrozen(entities) ? { source: entities, positions: undefined } : origins.get(entities);
  if (!origin) return undefined;
  const values = column(origin.source, key, entities.length);
  if (!values) return undefined;
  const { positions } = origin;
  return positions ? (index) => values[positions[index]!] : (index) => values[index];
}
