// The transcript of one SMTP session, recorded cheaply: each line is a small tuple
// [ms since session start, direction, text], kept in three bounded arrays: the prelude (greeting,
// EHLO, STARTTLS, AUTH: everything before the first MAIL), the current transaction (MAIL to the
// final DATA reply and whatever follows) and the finished transactions before it.
// A stored message keeps prelude + its own transaction; the prelude is shared, not copied.

import { ownString } from '../mail/compact-view.js';

/** 0 = client command, 1 = server reply, 2 = note (DATA size, TLS, disconnects). */
export type Direction = 0 | 1 | 2;
export type Entry = readonly [ms: number, dir: Direction, text: string];

const PRELUDE_MAX = 64; // greeting + EHLO + STARTTLS + EHLO + AUTH need ~12; the rest is noise
const TX_MAX = 256; // MAIL + 100 RCPTs + DATA; beyond that only the end of DATA is kept
const DONE_MAX = 512; // earlier transactions of a long session, oldest forgotten first
const TEXT_MAX = 512; // a reply line longer than this is cut (EHLO lists, long error texts)

/** One entry as the API returns it. */
export interface TranscriptEntry {
  /** Milliseconds since the session started. */
  ms: number;
  dir: 'client' | 'server' | 'note';
  text: string;
}

const DIRS = ['client', 'server', 'note'] as const;

/** Turns stored tuples into API entries. */
export function entriesOut(entries: readonly Entry[]): TranscriptEntry[] {
  return entries.map(([ms, dir, text]) => ({ ms, dir: DIRS[dir], text }));
}

/**
 * Entries as one flat string, `ms,dir,length:text` each, for the transcript kept beside every
 * stored message: ~300 bytes instead of ~2 KB of tuples, cons strings and their parts (heap
 * snapshot of 10k stored messages). Length-prefixed, so any text (NULs, newlines) round-trips.
 */
export function packEntries(entries: readonly Entry[]): string {
  let out = '';
  for (const [ms, dir, text] of entries) out += `${ms},${dir},${text.length}:${text}`;
  return ownString(out); // flat: the += chain is a tree of cons strings holding every piece
}

/** The inverse of packEntries. */
export function unpackEntries(packed: string): Entry[] {
  const out: Entry[] = [];
  let at = 0;
  while (at < packed.length) {
    const c1 = packed.indexOf(',', at);
    const c2 = packed.indexOf(',', c1 + 1);
    const colon = packed.indexOf(':', c2 + 1);
    const len = Number(packed.slice(c2 + 1, colon));
    out.push([Number(packed.slice(at, c1)), Number(packed.slice(c1 + 1, c2)) as Direction, packed.slice(colon + 1, colon + 1 + len)]);
    at = colon + 1 + len;
  }
  return out;
}

/** The bounded, append-only recording of one session. */
export class SessionLog {
  readonly startedAt = Date.now();
  #prelude: Entry[] = [];
  #tx: Entry[] = [];
  #done: Entry[] = [];
  #inTx = false;
  /** Entries not kept because a bound was reached. */
  omitted = 0;
  /** True between the 354 reply and the final reply to the message: always recorded. */
  #dataPhase = false;

  #push(dir: Direction, text: string): void {
    const entry: Entry = [Date.now() - this.startedAt, dir, text.length > TEXT_MAX ? text.slice(0, TEXT_MAX) + '…' : text];
    if (!this.#inTx) {
      if (this.#prelude.length < PRELUDE_MAX) this.#prelude.push(entry);
      else this.omitted++;
    } else if (this.#tx.length < TX_MAX || this.#dataPhase) this.#tx.push(entry);
    else this.omitted++;
  }

  /** A client command (already masked where it carries secrets). */
  command(text: string): void {
    this.#push(0, text);
  }
  reply(text: string): void {
    this.#push(1, text);
  }
  note(text: string): void {
    this.#push(2, text);
  }

  /** Called at MAIL: a new transaction begins; the previous one moves to the history. */
  beginTransaction(): void {
    if (this.#inTx) {
      for (const e of this.#tx) this.#done.push(e);
      if (this.#done.length > DONE_MAX) {
        const cut = this.#done.length - DONE_MAX / 2;
        this.#done.splice(0, cut);
        this.omitted += cut;
      }
    }
    this.#inTx = true;
    this.#tx = [];
  }

  set dataPhase(on: boolean) {
    this.#dataPhase = on;
  }
  get dataPhase(): boolean {
    return this.#dataPhase;
  }

  /** Prelude and current transaction, for a message just delivered (read them at once: tx changes). */
  messageEntries(): { prelude: readonly Entry[]; tx: readonly Entry[] } {
    // Once a transaction began the prelude never changes again, so it can be shared.
    return { prelude: this.#prelude, tx: this.#tx };
  }

  /** Every kept entry, in order. */
  all(): Entry[] {
    return [...this.#prelude, ...this.#done, ...this.#tx];
  }
}
