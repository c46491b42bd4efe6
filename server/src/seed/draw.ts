/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random choices over one seeded sequence. */
export interface Draw {
  /** A number in [0, 1). */
  random(): number;
  /** An integer from min to max, both included. */
  int(min: number, max: number): number;
  /** One item of a non-empty list. */
  pick<T>(list: readonly T[]): T;
}

/** Draws from `seededRandom(seed)`. */
export function createDraw(seed: number): Draw {
  const random = seededRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  return { random, int, pick: <T>(list: readonly T[]) => list[int(0, list.length - 1)] as T };
}
