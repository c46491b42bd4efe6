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

/** The JSON text of an array of payloads: `[` + each item's text + `]`. */
export function arrayText(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) out += (i === 0 ? '' : ',') + payloadText(items[i]);
  return out + ']';
}
