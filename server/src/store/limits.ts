/** The storage limits a store is held to (`--max-entities`, `--max-data-size`). */
export interface StorageLimits {
  /** The most entities one entity set may hold. */
  maxEntities: number;
  /** The most stored JSON, in bytes, of all entity sets together. */
  maxDataBytes: number;
}

/** A limit that stored data is over: what is over it, and the flag that raises it. */
export interface StorageBreach {
  problem: string;
  flag: '--max-entities' | '--max-data-size';
}

/** `1234567` → `1,234,567`: figures in messages, the same on every machine. */
export function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function mebibytes(n: number): string {
  return `${(n / 2 ** 20).toFixed(1)} MiB`;
}

/** The first limit that these figures are over (entities per set first, then all bytes), or undefined. */
export function findBreach(entitiesBySet: Iterable<readonly [string, number]>, bytes: number, limits: StorageLimits): StorageBreach | undefined {
  for (const [path, count] of entitiesBySet) {
    if (count > limits.maxEntities) {
      return { problem: `${path} holds ${groupDigits(count)} entities, more than --max-entities allows (${groupDigits(limits.maxEntities)})`, flag: '--max-entities' };
    }
  }
  if (bytes > limits.maxDataBytes) {
    return {
      problem: `the stored JSON is ${groupDigits(bytes)} bytes (${mebibytes(bytes)}), more than --max-data-size allows (${groupDigits(limits.maxDataBytes)} bytes, ${mebibytes(limits.maxDataBytes)})`,
      flag: '--max-data-size',
    };
  }
  return undefined;
}
