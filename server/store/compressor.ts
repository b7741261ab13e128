// Deflates stored messages off the main thread. Text mail shrinks 3-5x with raw deflate, and the
// store keeps every message's bytes for as long as it keeps the message, so packing them is the
// largest memory saving there is; but deflate costs ~20 us per 2 KB message, ~7% of ingest CPU,
// which the SMTP thread should not pay. One worker per process, shared by every store, unref'd
// so it never holds the process open. Work is batched (one postMessage per batch, one transferred
// buffer back), and bounded: when the worker falls behind, messages simply stay unpacked.

import { Worker } from 'node:worker_threads';

/** A message's bytes packed, or null when deflate did not pay (already compressed content). */
export type Packed = Buffer | null;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
parentPort.on('message', ({ batch, inputs }) => {
  const out = [];
  let total = 0;
  for (const input of inputs) {
    const packed = zlib.deflateRawSync(input, { level: 1 });
    const keep = packed.length < input.length * 0.9 ? packed : null;
    out.push(keep);
    total += keep ? keep.length : 0;
  }
  const joined = new Uint8Array(total);
  const lengths = [];
  let at = 0;
  for (const p of out) {
    if (p) { joined.set(p, at); at += p.length; }
    lengths.push(p ? p.length : -1);
  }
  parentPort.postMessage({ batch, lengths, joined }, [joined.buffer]);
});
`;

const BATCH = 64; // messages per round trip
const FLUSH_MS = 5; // a partial batch waits at most this long
const MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024; // beyond this, new messages are left unpacked

type Done = (packed: Packed[]) => void;

/** Exported for tests; the store uses the process-wide compressor(). */
export class Compressor {
  #worker: Worker | null = null;
  readonly #source: string;
  readonly #maxInFlightBytes: number;
  #broken = false;
  #queue: Buffer[] = [];
  #queueDone: Array<(p: Packed) => void> = [];
  #timer: NodeJS.Timeout | null = null;
  #inFlightBytes = 0;
  #nextBatch = 0;
  #batches = new Map<number, { done: Done; count: number }>();

  /** `source`: the worker's code (tests pass a failing one); `maxInFlightBytes`: the backlog bound. */
  constructor(options: { source?: string; maxInFlightBytes?: number } = {}) {
    this.#source = options.source ?? WORKER_SOURCE;
    this.#maxInFlightBytes = options.maxInFlightBytes ?? MAX_IN_FLIGHT_BYTES;
  }

  /** Queues `raw` for packing; `done` runs later on the main thread. Returns false when it will not be packed. */
  pack(raw: Buffer, done: (packed: Packed) => void): boolean {
    if (this.#broken || this.#inFlightBytes + raw.length > this.#maxInFlightBytes) return false;
    this.#inFlightBytes += raw.length;
    this.#queue.push(raw);
    this.#queueDone.push(done);
    if (this.#queue.length >= BATCH) this.#flush();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => this.#flush(), FLUSH_MS);
      this.#timer.unref();
    }
    return true;
  }

  #flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const inputs = this.#queue;
    const dones = this.#queueDone;
    this.#queue = [];
    this.#queueDone = [];
    if (inputs.length === 0) return;
    const bytes = inputs.reduce((n, b) => n + b.length, 0);
    const finish: Done = (packed) => {
      this.#inFlightBytes -= bytes;
      packed.forEach((p, i) => dones[i]!(p));
    };
    const worker = this.#start();
    if (!worker) return finish(inputs.map(() => null));
    const batch = this.#nextBatch++;
    this.#batches.set(batch, { done: finish, count: inputs.length });
    worker.postMessage({ batch, inputs });
  }

  #start(): Worker | null {
    if (this.#worker || this.#broken) return this.#worker;
    try {
      const worker = new Worker(this.#source, { eval: true });
      worker.on('message', (m: { batch: number; lengths: number[]; joined: Uint8Array }) => {
        const b = this.#batches.get(m.batch);
        if (!b) return;
        this.#batches.delete(m.batch);
        const joined = Buffer.from(m.joined.buffer, m.joined.byteOffset, m.joined.byteLength);
        let at = 0;
        b.done(
          m.lengths.map((len) => {
            if (len < 0) return null;
            const p = joined.subarray(at, at + len);
            at += len;
            return p;
          }),
        );
      });
      const fail = () => {
        // Never fatal: pending messages stay unpacked, and later ones are not sent.
        this.#broken = true;
        this.#worker = null;
        for (const b of this.#batches.values()) b.done(new Array<Packed>(b.count).fill(null));
        this.#batches.clear();
      };
      worker.on('error', fail);
      worker.on('exit', fail);
      worker.unref(); // never what keeps the process running
      this.#worker = worker;
      return worker;
    } catch {
      this.#broken = true;
      return null;
    }
  }
}

let shared: Compressor | null = null;

/** The process-wide compressor. */
export function compressor(): Compressor {
  return (shared ??= new Compressor());
}
