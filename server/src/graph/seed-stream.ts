import { closeSync, openSync, readSync } from 'node:fs';
import { isJsonObject } from '../json';
import type { JsonObject } from '../json';
import type { Entity } from '../store/store';
import { assertCreateBody } from './derived-types';
import { idProblem, toStoredEntity } from './entity-shape';
import { entitySetList } from './entity-sets';
import { GraphError } from './errors';
import type { EntitySetModel, StructuredTypeModel } from './model';
import type { GraphDefinition } from './registry';
import type { PreparedSeed } from './seed';
import { SeedError } from './seed';
import type { ValidationProfile } from './validate';

/**
 * prepareSeeds for an array of records, one record at a time: each is validated and stored as it comes, so a seed
 * read from a file (see prepareSeedFile) never has all its records parsed at once, nor its text whole. The checks,
 * their order and their messages are prepareSeeds's: records are grouped into entity sets first (a record that
 * names none stops everything), then each set, in the order the records first name them, stops at its first bad
 * record (`record [n]: …`).
 */
export class SeedPreparer {
  private readonly sets = new Map<EntitySetModel, { type: StructuredTypeModel; entities: Entity[]; seen: Set<string>; error: SeedError | undefined }>();
  private readonly named = new Map<string, EntitySetModel | undefined>();
  /** The first record of no entity set: it is the error, whatever the records around it hold. */
  private ungrouped: SeedError | undefined;

  constructor(
    private readonly graph: GraphDefinition,
    private readonly profile: ValidationProfile,
  ) {}

  /** Takes record `index` of the seed (nothing more is prepared once one names no entity set: that is the error). */
  add(index: number, record: unknown): void {
    if (this.ungrouped) return;
    const { model } = this.graph;
    const sets = model.entitySets;
    const set = sets.length === 1 ? sets[0] : this.setNamedBy(record);
    if (!set) {
      this.ungrouped = new SeedError(
        `record [${index}]: mockgraph serves ${sets.length} entity sets (${entitySetList(model)}) and this record's @odata.type names none of their types; give a seed keyed by entity-set path, e.g. { "${sets[0]?.path ?? 'path'}": [...] }`,
      );
      return;
    }
    let state = this.sets.get(set);
    if (!state) {
      const type = model.resolveType(set.entityType);
      if (!type) throw new Error(`unknown type ${set.entityType}`);
      this.sets.set(set, (state = { type, entities: [], seen: new Set(), error: undefined }));
    }
    if (state.error) return;
    const position = state.entities.length;
    try {
      assertCreateBody(this.graph.validator, model, state.type, this.profile, record);
    } catch (err) {
      const message = err instanceof GraphError ? err.message.replace(/^Invalid request body: /, '') : String(err);
      state.error = new SeedError(`record [${index}]: ${message}`);
      return;
    }
    const input = record as JsonObject;
    const id = typeof input.id === 'string' ? input.id : `seed-${position + 1}`;
    const problem = idProblem(id);
    if (problem !== undefined) state.error = new SeedError(`record [${index}]: ${problem}`);
    else if (state.seen.has(id)) state.error = new SeedError(`record [${index}]: id '${id}' is used by an earlier record`);
    if (state.error) return;
    state.seen.add(id);
    state.entities.push(toStoredEntity(input, id, state.type, model));
  }

  /** The prepared seed, or the error: a record of no entity set, else the first set's first bad record. */
  finish(): PreparedSeed {
    if (this.ungrouped) throw this.ungrouped;
    const prepared = new Map<string, readonly Entity[]>();
    for (const [set, state] of this.sets) {
      if (state.error) throw state.error;
      prepared.set(set.path, state.entities);
    }
    return prepared;
  }

  /** The one entity set whose type a record's `@odata.type` names (or derives from), as prepareSeeds finds it. */
  private setNamedBy(record: unknown): EntitySetModel | undefined {
    const named = isJsonObject(record) ? record['@odata.type'] : undefined;
    if (typeof named !== 'string') return undefined;
    if (this.named.has(named)) return this.named.get(named);
    const { model } = this.graph;
    const sets = model.resolveType(named) ? model.entitySets.filter((s) => model.derivesFrom(named, s.entityType)) : [];
    const set = sets.length === 1 ? sets[0] : undefined;
    this.named.set(named, set);
    return set;
  }
}

/** Bytes read from a seed file at a time. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * The seed file `path`, prepared as prepareSeeds(seedRecords(JSON.parse(text))) would: when its text is a JSON array
 * (what `mockgraph seed --set` writes), its records are read, parsed and prepared one at a time. Undefined for any
 * other file (an object keyed by entity-set path, a collection response, or text that is not JSON): those are read
 * whole, as before, and a malformed one gets the parser's own message. Bad records throw SeedError once the whole
 * file is known to be an array.
 */
export function prepareSeedFile(path: string, graph: GraphDefinition, profile: ValidationProfile, chunkBytes = CHUNK_BYTES): PreparedSeed | undefined {
  const preparer = new SeedPreparer(graph, profile);
  let index = 0;
  const whole = readArrayElements(path, chunkBytes, (text) => {
    let record: unknown;
    try {
      record = JSON.parse(text) as unknown;
    } catch {
      return false;
    }
    preparer.add(index++, record);
    return true;
  });
  return whole ? preparer.finish() : undefined;
}

const [SPACE, TAB, LF, CR, QUOTE, BACKSLASH, COMMA, OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT] = [0x20, 0x09, 0x0a, 0x0d, 0x22, 0x5c, 0x2c, 0x5b, 0x5d, 0x7b, 0x7d];
const isSpace = (c: number) => c === SPACE || c === LF || c === CR || c === TAB;

/**
 * Hands each element of the top-level JSON array in the file to `element` (its text), reading the file in chunks;
 * false when the text is not one JSON array of elements (or `element` refuses one), true when every element went.
 */
function readArrayElements(path: string, chunkBytes: number, element: (text: string) => boolean): boolean {
  const fd = openSync(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(chunkBytes);
    let length = 0;
    let eof = false;
    /** Reads more of the file after `keepFrom` (which moves to 0), growing the buffer when an element outgrows it. */
    const refill = (keepFrom: number): number => {
      const kept = length - keepFrom;
      if (kept >= buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, keepFrom, length);
        buf = bigger;
      } else {
        buf.copyWithin(0, keepFrom, length);
      }
      length = kept;
      const n = readSync(fd, buf, length, buf.length - length, null);
      if (n === 0) eof = true;
      length += n;
      return keepFrom;
    };
    refill(0);
    let at = 0;
    const skipSpace = (): boolean => {
      for (;;) {
        while (at < length && isSpace(buf[at]!)) at++;
        if (at < length) return true;
        if (eof) return false;
        at -= refill(at);
      }
    };
    // A byte-order mark or anything before the array is left to JSON.parse (and its message).
    if (!skipSpace() || buf[at] !== OPEN_ARRAY) return false;
    at++;
    if (!skipSpace()) return false;
    if (buf[at] === CLOSE_ARRAY) {
      at++;
      return !skipSpace();
    }
    for (;;) {
      let depth = 0;
      let inString = false;
      let end = -1;
      let pos = at;
      let base = at;
      while (end < 0) {
        if (pos >= length) {
          if (eof) return false;
          const moved = refill(base);
          pos -= moved;
          base = 0;
          continue;
        }
        const c = buf[pos]!;
        if (inString) {
          // Most of a seed's bytes are inside strings: jump to the next quote (native), then see whether it is escaped.
          const quote = buf.indexOf(QUOTE, pos);
          if (quote < 0) {
            pos = length;
            continue;
          }
          let backslashes = 0;
          while (quote - backslashes - 1 >= base && buf[quote - backslashes - 1] === BACKSLASH) backslashes++;
          pos = quote + 1;
          if (backslashes % 2 === 0) inString = false;
          continue;
        }
        if (c === QUOTE) inString = true;
        else if (c === OPEN_ARRAY || c === OPEN_OBJECT) depth++;
        else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
          if (depth === 0) end = pos;
          else depth--;
        } else if (c === COMMA && depth === 0) end = pos;
        if (end < 0) pos++;
      }
      if (!element(buf.toString('utf8', base, end))) return false;
      const last = buf[end] === CLOSE_ARRAY;
      at = end + 1;
      if (last) return !skipSpace();
      if (buf[end] !== COMMA || !skipSpace()) return false;
    }
  } finally {
    closeSync(fd);
  }
}
