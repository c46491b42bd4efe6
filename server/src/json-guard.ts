import { isUtf8 } from 'node:buffer';
import { GraphError } from './graph/errors';

/** The deepest nesting of objects and arrays a request body may have. */
export const MAX_BODY_DEPTH = 32;
/** The most objects and arrays a request body may hold (a profile holds about 10; a bulk action of 100 items, 1,000). */
export const MAX_BODY_CONTAINERS = 10_000;
/** The most values (members and items) a request body may hold. */
export const MAX_BODY_VALUES = 100_000;

/** Up to this many keys, an object's keys are compared as byte ranges; past it (or after an escaped key), as decoded strings in a Set. */
const KEYS_COMPARED_AS_BYTES = 16;

/** Whether bytes [a, a + n) and [b, b + n) of `buf` are the same. */
function sameBytes(buf: Buffer, a: number, b: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (buf[a + k] !== buf[b + k]) return false;
  return true;
}

/**
 * Checks a JSON body's raw bytes before it is parsed, in one linear pass: valid UTF-8, nesting no deeper than
 * MAX_BODY_DEPTH (so nothing later recurses without bound), and no object with the same key twice (JSON.parse
 * would silently keep the last; OData refuses duplicate properties). Malformed JSON is left to the parser.
 */
export function checkJsonBytes(buf: Buffer): void {
  if (!isUtf8(buf)) throw new GraphError('BadRequest', 'The request body is not valid UTF-8.');
  // Structural characters are single bytes in UTF-8 (and never inside a multi-byte sequence): scan the bytes.
  // Per open container (depth 1…): whether it is an object, whether a key comes next, where its keys start in
  // keyStart/keyEnd (unescaped keys, compared as bytes: valid UTF-8 has one encoding per string), or their Set.
  const isObject: boolean[] = [];
  const expectKey: boolean[] = [];
  const firstKey: number[] = [];
  const keySets: Array<Set<string> | undefined> = [];
  const keyStart: number[] = [];
  const keyEnd: number[] = [];
  let keys = 0;
  let depth = 0;
  let containers = 0;
  let separators = 0;
  const length = buf.length;
  for (let i = 0; i < length; i++) {
    const c = buf[i];
    if (c === 0x22 /* " */) {
      const start = i + 1;
      let escaped = false;
      for (i++; i < length && buf[i] !== 0x22; i++) {
        if (buf[i] === 0x5c /* \ */) {
          escaped = true;
          i++;
        }
      }
      if (depth === 0 || !isObject[depth] || !expectKey[depth]) continue;
      expectKey[depth] = false;
      const end = i < length ? i : length;
      let set = keySets[depth];
      if (set === undefined && (escaped || keys - firstKey[depth]! >= KEYS_COMPARED_AS_BYTES)) {
        // Escapes make equal keys of different bytes, and many keys make pairwise comparison slow: decode them.
        set = new Set<string>();
        for (let k = firstKey[depth]!; k < keys; k++) set.add(buf.toString('utf8', keyStart[k], keyEnd[k]));
        keys = firstKey[depth]!;
        keySets[depth] = set;
      }
      if (set !== undefined) {
        let key = buf.toString('utf8', start, end);
        if (escaped) {
          try {
            key = JSON.parse(`"${key}"`) as string;
          } catch {
            return; // malformed: the parser reports it
          }
        }
        if (set.has(key)) throw duplicateKey(key);
        set.add(key);
        continue;
      }
      const n = end - start;
      for (let k = firstKey[depth]!; k < keys; k++) {
        if (keyEnd[k]! - keyStart[k]! === n && sameBytes(buf, keyStart[k]!, start, n)) throw duplicateKey(buf.toString('utf8', start, end));
      }
      keyStart[keys] = start;
      keyEnd[keys] = end;
      keys++;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      isObject[depth] = c === 0x7b;
      expectKey[depth] = c === 0x7b;
      firstKey[depth] = keys;
      keySets[depth] = undefined;
      if (depth > MAX_BODY_DEPTH) throw new GraphError('BadRequest', `The request body is nested deeper than ${MAX_BODY_DEPTH} levels.`);
      // Each object costs far more memory than its two bytes of JSON: their number is bounded, not only the bytes.
      if (++containers > MAX_BODY_CONTAINERS) throw new GraphError('BadRequest', `The request body holds more than ${MAX_BODY_CONTAINERS} objects and arrays.`);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (depth > 0) {
        keys = firstKey[depth]!;
        keySets[depth] = undefined;
        depth--;
      }
    } else if (c === 0x2c /* , */) {
      if (++separators >= MAX_BODY_VALUES) throw new GraphError('BadRequest', `The request body holds more than ${MAX_BODY_VALUES} values.`);
      if (depth > 0 && isObject[depth]) expectKey[depth] = true;
    }
  }
}

function duplicateKey(key: string): GraphError {
  return new GraphError('BadRequest', `The request body has the property '${key}' more than once in one object.`);
}
