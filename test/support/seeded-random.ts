/** A small seeded PRNG (mulberry32) so fuzz runs are reproducible: print the seed, re-run with it. */
export function seededRandom(seed: number): { next(): number; int(maxExclusive: number): number; pick<T>(list: readonly T[]): T } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (max) => Math.floor(next() * max), pick: (list) => list[Math.floor(next() * list.length)]! };
}
