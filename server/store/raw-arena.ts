// Where the memory store keeps message bytes once they are packed: copied into shared 1 MiB slabs
// instead of a Buffer per message. A small Buffer costs ~500 bytes beside its data (ArrayBuffer,
// Uint8Array, backing-store record, malloc header), as much as a compressed 2 KB message itself,
// and malloc'd blocks freed in arrival order left RSS climbing past the count cap while the data
// stayed the same. Slabs fill in arrival order, so FIFO eviction empties them in order; an empty
// slab is kept for reuse (up to SPARE_SLABS), so a full store at its cap allocates nothing new.
// Deleting messages out of order leaves holes: once the holes outweigh the live bytes, the owner
// moves the survivors of sparse slabs into fresh ones (compact()).

export const SLAB_BYTES = 1024 * 1024;
/** Packed payloads above this get a slab-sized share to themselves: the caller keeps them as Buffers. */
export const MAX_IN_SLAB = 64 * 1024;
const SPARE_SLABS = 4;
/** Holes are tolerated up to this many bytes, or the live bytes if more. */
const WASTE_ALLOWANCE = 16 * SLAB_BYTES;

export interface Slab {
  readonly buf: Buffer;
  used: number;
  live: number;
  liveBytes: number;
}

/** Something holding a payload in a slab, for compaction to move. */
export interface SlabTenant {
  slab: Slab | null;
  offset: number;
  packedLength: number;
}

export class RawArena {
  #current: Slab | null = null;
  #spare: Buffer[] = [];
  /** Slabs holding at least one live payload, plus the current one. */
  #slabs = new Set<Slab>();
  #liveBytes = 0;
  /** Bytes of messages held outside the slabs (not packed yet, or too large for a slab). */
  #outside = 0;

  /** Counts a message held outside the slabs (`bytes` negative when it leaves). */
  holdOutside(bytes: number): void {
    this.#outside += bytes;
  }

  /** Copies `bytes` (at most MAX_IN_SLAB) into a slab; returns where. */
  put(bytes: Uint8Array): { slab: Slab; offset: number } {
    let slab = this.#current;
    if (!slab || slab.used + bytes.length > slab.buf.length) {
      if (slab && slab.live === 0) this.#retire(slab);
      slab = { buf: this.#spare.pop() ?? Buffer.allocUnsafeSlow(SLAB_BYTES), used: 0, live: 0, liveBytes: 0 };
      this.#current = slab;
      this.#slabs.add(slab);
    }
    const offset = slab.used;
    slab.buf.set(bytes, offset);
    slab.used += bytes.length;
    slab.live++;
    slab.liveBytes += bytes.length;
    this.#liveBytes += bytes.length;
    return { slab, offset };
  }

  /** A view of a payload: valid only until it is released (copy it before any await). */
  view(slab: Slab, offset: number, length: number): Buffer {
    return slab.buf.subarray(offset, offset + length);
  }

  release(slab: Slab, length: number): void {
    slab.live--;
    slab.liveBytes -= length;
    this.#liveBytes -= length;
    if (slab.live === 0 && slab !== this.#current) this.#retire(slab);
  }

  #retire(slab: Slab): void {
    this.#slabs.delete(slab);
    if (this.#spare.length < SPARE_SLABS) this.#spare.push(slab.buf);
  }

  /** True when holes in partly emptied slabs outweigh what they hold (see compact). */
  get wasteful(): boolean {
    const held = this.#slabs.size * SLAB_BYTES;
    return held - this.#liveBytes > Math.max(WASTE_ALLOWANCE, this.#liveBytes);
  }

  /** Moves the payloads of slabs less than half full into fresh slabs; tenants are updated. */
  compact(tenants: Iterable<SlabTenant>): void {
    const sparse = (s: Slab) => s !== this.#current && s.liveBytes < s.buf.length / 2;
    for (const t of tenants) {
      const from = t.slab;
      if (!from || !sparse(from)) continue;
      const { slab, offset } = this.put(from.buf.subarray(t.offset, t.offset + t.packedLength));
      this.release(from, t.packedLength);
      t.slab = slab;
      t.offset = offset;
    }
  }

  /** Message bytes held (packed in slabs, or outside them), and the slabs. */
  stats(): { heldBytes: number; slabs: number; spare: number; inSlabs: number } {
    return { heldBytes: this.#liveBytes + this.#outside, slabs: this.#slabs.size, spare: this.#spare.length, inSlabs: this.#liveBytes };
  }
}
