/**
 * Copy-on-tap capture of one body: copies at most `cap` bytes out of the chunks
 * the forwarder passes by (never holds the forwarder's buffers), counts the full
 * size, and knows whether it truncated.
 */
export class BodyTap {
  size = 0;
  /**
   * Set for imported bodies, whose truncation is known from the file rather than
   * from size vs captured (a decoded HAR body is shorter than its wire size).
   */
  knownTruncated: boolean | undefined;
  /** Nothing, one copied chunk (the common case), or several. */
  private chunks: Uint8Array | Uint8Array[] | undefined;
  private kept = 0;

  constructor(private readonly cap: number) {}

  /** Records a chunk; returns how many bytes were copied (for memory accounting). */
  add(chunk: Uint8Array): number {
    this.size += chunk.length;
    const room = this.cap - this.kept;
    if (room <= 0 || chunk.length === 0) return 0;
    const n = Math.min(room, chunk.length);
    // Its own buffer, never a slice of Node's shared pool: a held slice would pin a whole pool slab.
    const copy = new Uint8Array(n);
    copy.set(n === chunk.length ? chunk : chunk.subarray(0, n));
    const held = this.chunks;
    if (held === undefined) this.chunks = copy;
    else if (Array.isArray(held)) held.push(copy);
    else this.chunks = [held, copy];
    this.kept += n;
    return n;
  }

  get captured(): number {
    return this.kept;
  }

  get truncated(): boolean {
    return this.knownTruncated ?? this.size > this.kept;
  }

  /** The captured prefix as one array (chunks are merged once, on first read). */
  bytes(): Uint8Array {
    const held = this.chunks;
    if (held === undefined) return new Uint8Array(0);
    if (!Array.isArray(held)) return held;
    const all = new Uint8Array(this.kept);
    let o = 0;
    for (const c of held) {
      all.set(c, o);
      o += c.length;
    }
    this.chunks = all;
    return all;
  }

  /** Copies the captured prefix into `target` at `offset` (no merged copy made); returns its length. */
  copyTo(target: Uint8Array, offset: number): number {
    const held = this.chunks;
    if (held === undefined) return 0;
    if (!Array.isArray(held)) {
      target.set(held, offset);
      return held.length;
    }
    let o = offset;
    for (const c of held) {
      target.set(c, o);
      o += c.length;
    }
    return o - offset;
  }

  /** A tap pre-filled with known bytes (imports). */
  static of(bytes: Uint8Array, size: number, cap: number, truncated: boolean, decoded = false): BodyTap {
    const t = new BodyTap(cap);
    t.add(bytes);
    // A decoded body (an imported HAR's text) can be longer than the size it had on the wire.
    t.size = decoded ? size : Math.max(size, bytes.length);
    t.knownTruncated = truncated || bytes.length > cap;
    return t;
  }
}
