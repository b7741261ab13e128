// One stored message in the memory store, and what it costs to keep. Raw bytes arrive as a Buffer
// of their own; soon after, the compressor hands back their deflated form and the entry moves it
// into the store's slab arena (or, when deflate did not pay, the bytes as they are), dropping the
// Buffer. readRaw() then inflates a fresh copy (~8 us per 2 KB message). Messages above
// MAX_IN_SLAB keep their own Buffer. (Also tried and measured: small raws as latin1 strings in the
// JS heap saved the Buffer overhead but RSS grew more past the count cap, +49% against +27%.)

import { inflateRawSync } from 'node:zlib';
import type { Envelope, MessageView, StoredMessage } from '../mail/types.js';
import type { Packed } from './compressor.js';
import { MAX_IN_SLAB, type RawArena, type Slab, type SlabTenant } from './raw-arena.js';

const EMPTY = Buffer.alloc(0);

/** Objects, envelope, id/order/index entries: charged per message on top of raw and view. */
export const ENTRY_OVERHEAD = 2048;

/** Rough heap cost of the parsed view; strings counted at 1 byte/char (most mail is Latin). */
export function viewCost(v: MessageView): number {
  let n = v.subject.length + v.snippet.length + (v.messageId?.length ?? 0) + (v.parseError?.length ?? 0);
  for (const list of [v.to, v.cc, v.bcc, v.replyTo]) for (const a of list) n += 48 + a.name.length + a.address.length;
  if (v.from) n += 48 + v.from.name.length + v.from.address.length;
  n += v.parts.length * 160;
  n += v.search.text.length + 64 + (v.search.bloom ? 144 : 0);
  return n;
}

/** A stored message plus the store's bookkeeping. */
export class Entry implements StoredMessage, SlabTenant {
  #raw: Buffer | null;
  /** Where the packed bytes live once moved into the arena. */
  slab: Slab | null = null;
  offset = 0;
  packedLength = 0;
  #deflated = false;
  readonly #arena: RawArena;
  readonly size: number;
  read = false;
  alive = true;

  constructor(
    readonly id: string,
    readonly seq: number,
    readonly receivedAt: number,
    readonly inbox: string,
    raw: Buffer,
    readonly envelope: Envelope,
    readonly view: MessageView,
    public tags: string[],
    /** Bytes charged against maxBytes. */
    readonly cost: number,
    arena: RawArena,
  ) {
    this.size = raw.length;
    this.#raw = raw;
    this.#arena = arena;
    arena.holdOutside(raw.length);
  }

  /** The message bytes (a fresh Buffer once packed: callers may keep it). A method, not a getter: it may inflate. */
  readRaw(): Buffer {
    if (this.#raw) return this.#raw;
    if (!this.slab) return EMPTY;
    const view = this.#arena.view(this.slab, this.offset, this.packedLength);
    // One output chunk of the known size (+1, so zlib sees the end in one pass): small ones come from Node's buffer pool, not a fresh 16 KB each.
    return this.#deflated ? inflateRawSync(view, { chunkSize: Math.max(64, this.size + 1) }) : Buffer.from(view);
  }

  /** True when this entry's bytes should go to the compressor. */
  get packable(): boolean {
    return this.#raw !== null && this.size > 0 && this.size <= MAX_IN_SLAB;
  }

  /** Moves the bytes into the arena: deflated when `packed` is given, else as they are. */
  pack(packed: Packed): void {
    if (!this.alive || !this.#raw || this.slab) return;
    const bytes = packed ?? this.#raw;
    this.#arena.holdOutside(-this.size);
    const { slab, offset } = this.#arena.put(bytes);
    this.slab = slab;
    this.offset = offset;
    this.packedLength = bytes.length;
    this.#deflated = packed !== null;
    this.#raw = null;
  }

  /** Lets go of the bytes at once; the tombstone may linger in the arrival order until compaction. */
  release(): void {
    this.alive = false;
    if (this.#raw) this.#arena.holdOutside(-this.size);
    this.#raw = null;
    if (this.slab) this.#arena.release(this.slab, this.packedLength);
    this.slab = null;
  }
}
