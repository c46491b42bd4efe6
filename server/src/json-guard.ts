import { isUtf8 } from 'node:buffer';
import { GraphError } from './graph/errors';

/** The deepest nesting of objects and arrays a request body may have. */
export const MAX_BODY_DEPTH = 32;
/** The most objects and arrays a request body may hold (a profile holds about 10; a bulk action of 100 items, 1,000). */
export const MAX_BODY_CONTAINERS = 10_000;
/** The most values (members and items) a request body may hold. */
export const MAX_BODY_VALUES = 100_000;

/**
 * Checks a JSON body's raw bytes before it is parsed, in one linear pass: valid UTF-8, nesting no deeper than
 * MAX_BODY_DEPTH (so nothing later recurses without bound), and no object with the same key twice (JSON.parse
 * would silently keep the last; OData refuses duplicate properties). Malformed JSON is left to the parser.
 */
export function checkJsonBytes(buf: Buffer): void {
  if (!isUtf8(buf)) throw new GraphError('BadRequest', 'The request body is not valid UTF-8.');
  // Structural characters are single bytes in UTF-8 (and never inside a multi-byte sequence): scan the bytes.
  const frames: Array<{ keys: Set<string> | undefined; expectKey: boolean }> = [];
  let containers = 0;
  let separators = 0;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (c === 0x22 /* " */) {
      const start = i;
      for (i++; i < buf.length && buf[i] !== 0x22; i++) if (buf[i] === 0x5c /* \ */) i++;
      const top = frames[frames.length - 1];
      if (top?.keys && top.expectKey) {
        const raw = buf.toString('utf8', start + 1, i);
        let key = raw;
        if (raw.includes('\\')) {
          try {
            key = JSON.parse(`"${raw}"`) as string;
          } catch {
            return; // malformed: the parser reports it
          }
        }
        if (top.keys.has(key)) throw new GraphError('BadRequest', `The request body has the property '${key}' more than once in one object.`);
        top.keys.add(key);
        top.expectKey = false;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      frames.push({ keys: c === 0x7b ? new Set() : undefined, expectKey: c === 0x7b });
      if (frames.length > MAX_BODY_DEPTH) throw new GraphError('BadRequest', `The request body is nested deeper than ${MAX_BODY_DEPTH} levels.`);
      // Each object costs far more memory than its two bytes of JSON: their number is bounded, not only the bytes.
      if (++containers > MAX_BODY_CONTAINERS) throw new GraphError('BadRequest', `The request body holds more than ${MAX_BODY_CONTAINERS} objects and arrays.`);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      frames.pop();
    } else if (c === 0x2c /* , */) {
      if (++separators >= MAX_BODY_VALUES) throw new GraphError('BadRequest', `The request body holds more than ${MAX_BODY_VALUES} values.`);
      const top = frames[frames.length - 1];
      if (top?.keys) top.expectKey = true;
    }
  }
}
