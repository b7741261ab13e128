// The distinct keys of an index laid out in chunked, newline-joined strings, so "every key containing
// this substring" is a few indexOf calls over compact text instead of a walk over a Map of 100,000
// keys. Append-only with lazy removal: keys removed from the index stay until a rebuild, and callers
// check the index for each hit.

const CHUNK_KEYS = 2048; // keys per chunk: bounds the re-join cost after an append to ~60 KB

interface Chunk {
  keys: string[];
  /** keys joined by '\n', built on demand; null after an append. */
  text: string | null;
  /** Offset of each key in text. */
  starts: number[];
}

/** A substring-searchable directory of keys (keys must not contain '\n'). */
export class KeyDirectory {
  #chunks: Chunk[] = [];
  #size = 0;
  #stale = 0;

  /** Records a key that just became present in the index. */
  added(key: string): void {
    let last = this.#chunks[this.#chunks.length - 1];
    if (!last || last.keys.length >= CHUNK_KEYS) this.#chunks.push((last = { keys: [], text: null, starts: [] }));
    last.keys.push(key);
    last.text = null;
    this.#size++;
  }

  /** Notes that a key left the index; rebuilds from `live` once most entries are stale. */
  removed(live: () => Iterable<string>): void {
    this.#stale++;
    if (this.#stale > 1024 && this.#stale * 2 > this.#size) {
      this.#chunks = [];
      this.#size = this.#stale = 0;
      for (const k of live()) this.added(k);
    }
  }

  clear(): void {
    this.#chunks = [];
    this.#size = this.#stale = 0;
  }

  /** Calls `hit` for every recorded key containing `part` (a key may repeat if it was re-added). */
  search(part: string, hit: (key: string) => void): void {
    if (!part || part.includes('\n')) return;
    for (const chunk of this.#chunks) {
      if (chunk.text === null) {
        let at = 0;
        chunk.starts = chunk.keys.map((k) => {
          const s = at;
          at += k.length + 1;
          return s;
        });
        chunk.text = chunk.keys.join('\n');
      }
      const { text, starts, keys } = chunk;
      let at = text.indexOf(part);
      while (at !== -1) {
        // The key holding offset `at`: the last start <= at.
        let lo = 0;
        let hi = starts.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >>> 1;
          if (starts[mid]! <= at) lo = mid;
          else hi = mid - 1;
        }
        hit(keys[lo]!);
        at = lo + 1 < starts.length ? text.indexOf(part, starts[lo + 1]) : -1;
      }
    }
  }
}
