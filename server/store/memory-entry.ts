// One stored message in the memory store, and what it costs to keep. (Tried and measured: keeping
// small raw messages as latin1 strings in the JS heap instead of Buffers saved ~800 bytes of
// ArrayBuffer bookkeeping per message but made RSS grow more past the count cap, +49% against
// +27%, as V8's old space grew to make room; so raw stays a Buffer of its own.)

import type { Envelope, MessageView, StoredMessage } from '../mail/types.js';

const EMPTY = Buffer.alloc(0);

/** Objects, envelope, id/order/index entries: charged per message on top of raw and view. */
export const ENTRY_OVERHEAD = 2048;

/** Rough heap cost of the parsed view; strings counted at 1 byte/char (most mail is Latin). */
export function viewCost(v: MessageView): number {
  let n = v.subject.length + v.snippet.length + (v.messageId?.length ?? 0) + (v.parseError?.length ?? 0);
  for (const list of [v.to, v.cc, v.bcc, v.replyTo]) for (const a of list) n += 48 + a.name.length + a.address.length;
  if (v.from) n += 48 + v.from.name.length + v.from.address.length;
  n += v.parts.length * 160;
  n += v.search.text.length + 64;
  return n;
}

/** A stored message plus the store's bookkeeping. */
export class Entry implements StoredMessage {
  #raw: Buffer;
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
  ) {
    this.size = raw.length;
    this.#raw = raw;
  }

  /** The message bytes. */
  get raw(): Buffer {
    return this.#raw;
  }

  /** Lets go of the bytes at once; the tombstone may linger in the arrival order until compaction. */
  release(): void {
    this.alive = false;
    this.#raw = EMPTY;
  }
}
