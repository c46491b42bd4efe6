/**
 * The JSON texts of payloads whose text is already known (an entity serialised once and kept) or cheap to assemble
 * from known parts (a collection of such entities), so that a response is written without serialising them again.
 * The text travels with the payload object as a non-enumerable symbol property: JSON.stringify, Object.keys, spread
 * and comparisons in tests never see it, and unlike a WeakMap entry per response it costs the collector nothing.
 */
const TEXT = Symbol('mockgraph.payloadText');

type Texted = { [TEXT]?: string | (() => string) };

/** Records the JSON text of a payload object this module's callers built, or how to assemble it; the object must not change afterwards. */
export function knowText(payload: object, text: string | (() => string)): void {
  Object.defineProperty(payload, TEXT, { value: text, writable: true });
}

/** Exactly `JSON.stringify(value)` (`'null'` where that gives undefined, as in an array), from known texts where there are. */
export function payloadText(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    const known = (value as Texted)[TEXT];
    if (typeof known === 'string') return known;
    if (known !== undefined) {
      const text = known();
      (value as Texted)[TEXT] = text;
      return text;
    }
  }
  return JSON.stringify(value) ?? 'null';
}

const PARTS = Symbol('mockgraph.payloadParts');

/** A collection payload's text as its parts: `head`, then the items' texts separated by commas, then `tail`. */
interface Parts {
  head: string;
  items: readonly unknown[];
  tail: string;
}

/** The texts a payload of parts is written as, in order: head, `[`, each item's text with commas between, `]`, tail. */
function partTexts(parts: Parts): string[] {
  const texts = [parts.head, '['];
  for (let i = 0; i < parts.items.length; i++) {
    if (i > 0) texts.push(',');
    texts.push(payloadText(parts.items[i]));
  }
  texts.push(']', parts.tail);
  return texts;
}

/** Records the JSON text of a collection payload as its parts (see payloadBytes); payloadText assembles them when asked. */
export function knowParts(payload: object, head: string, items: readonly unknown[], tail: string): void {
  const parts: Parts = { head, items, tail };
  Object.defineProperty(payload, PARTS, { value: parts });
  knowText(payload, () => partTexts(parts).join(''));
}

/**
 * The UTF-8 bytes of a payload recorded by parts, written straight from its items' known texts; undefined for any
 * other payload. A page of 100 entities is ~100 KB: as one string it would be built, flattened and encoded on the
 * collector's heap for every response (and promoted when a collection catches it in flight); as bytes it is not.
 * `allocate` gives the buffer (the HTTP layer's pool of body buffers, http/page-buffers.ts).
 */
export function payloadBytes(value: unknown, allocate: (bytes: number) => Buffer = Buffer.allocUnsafe): Buffer | undefined {
  const parts = typeof value === 'object' && value !== null ? (value as { [PARTS]?: Parts })[PARTS] : undefined;
  if (parts === undefined) return undefined;
  const texts = partTexts(parts);
  let total = 0;
  for (const t of texts) total += Buffer.byteLength(t, 'utf8');
  const out = allocate(total);
  let at = 0;
  for (const t of texts) at += out.write(t, at, 'utf8');
  return out;
}
