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
  private chunks: Uint8Array[] = [];
  private kept = 0;

  constructor(private readonly cap: number) {}

  /** Records a chunk; returns how many bytes were copied (for memory accounting). */
  add(chunk: Uint8Array): number {
    this.size += chunk.length;
    const room = this.cap - this.kept;
    if (room <= 0 || chunk.length === 0) return 0;
    const n = Math.min(room, chunk.length);
    const copy = new Uint8Array(n);
    copy.set(n === chunk.length ? chunk : chunk.subarray(0, n));
    this.chunks.push(copy);
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
    if (this.chunks.length === 0) return new Uint8Array(0);
    if (this.chunks.length > 1) {
      const all = new Uint8Array(this.kept);
      let o = 0;
      for (const c of this.chunks) {
        all.set(c, o);
        o += c.length;
      }
      this.chunks = [all];
    }
    return this.chunks[0]!;
  }

  /** A tap pre-filled with known bytes (imports). */
  static of(bytes: Uint8Array, size: number, cap: number, truncated: boolean): BodyTap {
    const t = new BodyTap(cap);
    t.add(bytes);
    t.size = Math.max(size, bytes.length);
    t.knownTruncated = truncated || bytes.length > cap;
    return t;
  }
}
