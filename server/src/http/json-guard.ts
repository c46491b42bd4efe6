import { isUtf8 } from 'node:buffer';
import { GraphError } from '../graph/errors';

/** The deepest nesting of objects and arrays a request body may have. */
export const MAX_BODY_DEPTH = 32;

/**
 * Checks a JSON body's raw bytes before it is parsed, in one linear pass: valid UTF-8, nesting no deeper than
 * MAX_BODY_DEPTH (so nothing later recurses without bound), and no object with the same key twice (JSON.parse
 * would silently keep the last; OData refuses duplicate properties). Malformed JSON is left to the parser.
 */
export function checkJsonBytes(buf: Buffer): void {
  if (!isUtf8(buf)) throw new GraphError('BadRequest', 'The request body is not valid UTF-8.');
  // Structural characters are single bytes in UTF-8 (and never inside a multi-byte sequence): scan the bytes.
  const frames: Array<{ keys: Set<string> | undefined; expectKey: boolean }> = [];
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
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      frames.pop();
    } else if (c === 0x2c /* , */) {
      const top = frames[frames.length - 1];
      if (top?.keys) top.expectKey = true;
    }
  }
}
