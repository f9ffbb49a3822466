/**
 * Where frozen exchanges keep their bytes: slabs of memory outside the V8 heap,
 * filled front to back. A record is written at an 8-aligned offset of the
 * current slab; when it does not fit, a new slab starts (one of its own for a
 * record larger than a slab). A slab lives while any record in it is held: the
 * ring drops records oldest first, so slabs are freed in the order they filled.
 */

const SLAB_BYTES = 256 * 1024;

/**
 * Strings that repeat from exchange to exchange (methods, hosts, routes, targets,
 * content types): kept once, on the heap, and referred to by index, so reading a
 * record decodes only what is its own. Bounded: once full, new strings go inline.
 */
export class InternTable {
  private readonly index = new Map<string, number>();
  readonly values: string[] = [];

  constructor(private readonly max = 4096) {}

  /** The string's index, or -1 when it is not held and the table is full. */
  indexOf(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      if (this.values.length >= this.max) return -1;
      i = this.values.length;
      this.values.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

/** One slab and its typed views (all over the same bytes; offset 0 of its own ArrayBuffer). */
export class Slab {
  readonly f64: Float64Array;
  readonly u32: Uint32Array;

  constructor(
    readonly bytes: Buffer,
    /** The arena's interned strings (records in this slab refer to them by index). */
    readonly strings: InternTable,
  ) {
    this.f64 = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length >> 3);
    this.u32 = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
  }
}

export class RecordArena {
  private current: Slab | undefined;
  private used = 0;
  /** Where the last reserve() placed its record: the current slab, or one of the record's own. */
  private placed: Slab | undefined;
  private reserved = -1;
  readonly strings: InternTable;

  constructor(
    private readonly slabBytes = SLAB_BYTES,
    internMax?: number,
  ) {
    this.strings = new InternTable(internMax);
  }

  /** A slab: a buffer of its own (never a slice of Node's shared pool), offset 0, so 8-aligned. */
  private newSlab(bytes: number): Slab {
    return new Slab(Buffer.allocUnsafeSlow(bytes), this.strings);
  }

  /** The slab the last reserve() placed its record in. */
  get slab(): Slab {
    return this.placed!;
  }

  /** Room for up to `max` bytes; returns the record's offset in `slab`. Follow with commit(). */
  reserve(max: number): number {
    const size = (max + 7) & ~7;
    this.reserved = size;
    if (size > this.slabBytes >> 2) {
      // A large record (a captured body) gets a slab of its own and leaves the current one filling.
      this.placed = this.newSlab(size);
      return 0;
    }
    if (this.current === undefined || this.used + size > this.current.bytes.length) {
      this.current = this.newSlab(this.slabBytes);
      this.used = 0;
    }
    this.placed = this.current;
    return this.used;
  }

  /** The record just written took `n` bytes (at most what was reserved). */
  commit(n: number): void {
    if (n > this.reserved) throw new RangeError(`record of ${n} bytes overran its reservation of ${this.reserved}`);
    if (this.placed === this.current) this.used += (n + 7) & ~7;
    this.reserved = -1;
  }
}
