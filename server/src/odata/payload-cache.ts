import type { GraphModel, StructuredTypeModel } from '../graph/model';
import type { Entity } from '../store/store';
import type { MetadataLevel } from './format';

/**
 * The most JSON text (in UTF-16 code units) the payload cache keeps for all entities together: past it, the entities
 * cached first are dropped first. Each cached text stands beside its payload object, of about twice its size.
 */
export const MAX_CACHED_PAYLOAD_CHARS = 4 * 1024 * 1024;
/** Payloads kept per entity: one per metadata level and context a client asks for (list item, single entity). */
const SLOTS_PER_ENTITY = 4;

/** What a payload was made of; a stored entity is never changed in place, so the same inputs give the same payload. */
interface Slot {
  declared: StructuredTypeModel;
  model: GraphModel;
  metadata: MetadataLevel;
  context: string | undefined;
  url: string | undefined;
  payload: Record<string, unknown>;
  chars: number;
}

interface Entry {
  slots: Slot[];
  chars: number;
}

/** Cached entities, in the order they were first cached: the oldest are dropped first. */
const entries = new Map<Entity, Entry>();
/**
 * Entities asked for once, most recent last: only an entity asked for again while it is among these is cached (a new
 * or projected one seldom is). A bounded strong set: a weak one would cost the collector on every create.
 */
const seen = new Set<Entity>();
const MAX_SEEN = 2048;
let cachedChars = 0;

/** The payload made earlier of this entity for these inputs, if it is still kept. */
export function cachedPayload(entity: Entity, declared: StructuredTypeModel, model: GraphModel, metadata: MetadataLevel, context: string | undefined, url: string | undefined): Record<string, unknown> | undefined {
  const entry = entries.get(entity);
  if (entry === undefined) return undefined;
  for (const s of entry.slots) {
    if (s.url === url && s.context === context && s.metadata === metadata && s.declared === declared && s.model === model) return s.payload;
  }
  return undefined;
}

/** Keeps a payload (and, through its text, what writing it costs) when its entity is asked for a second time or more. */
export function cachePayload(entity: Entity, declared: StructuredTypeModel, model: GraphModel, metadata: MetadataLevel, context: string | undefined, url: string | undefined, payload: Record<string, unknown>, textLength: number): void {
  let entry = entries.get(entity);
  if (entry === undefined) {
    if (!seen.delete(entity)) {
      seen.add(entity);
      if (seen.size > MAX_SEEN) seen.delete(seen.values().next().value!);
      return;
    }
    entry = { slots: [], chars: 0 };
    entries.set(entity, entry);
  }
  if (entry.slots.length >= SLOTS_PER_ENTITY) {
    const dropped = entry.slots.shift()!;
    entry.chars -= dropped.chars;
    cachedChars -= dropped.chars;
  }
  entry.slots.push({ declared, model, metadata, context, url, payload, chars: textLength });
  entry.chars += textLength;
  cachedChars += textLength;
  for (const [oldest, kept] of entries) {
    if (cachedChars <= MAX_CACHED_PAYLOAD_CHARS) break;
    cachedChars -= kept.chars;
    entries.delete(oldest);
  }
}
