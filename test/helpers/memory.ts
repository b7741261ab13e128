// Memory readings for bounds in robustness tests: collect garbage first so the numbers say what
// is still referenced, not what the collector has yet to visit.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setTimeout as sleep } from 'node:timers/promises';

const MiB = 1024 * 1024;

let gcFn: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;
if (!gcFn) {
  // Same effect as node --expose-gc, without changing how the test runner starts processes.
  setFlagsFromString('--expose-gc');
  gcFn = runInNewContext('gc') as () => void;
}

/** Full collection, twice, with a turn of the event loop between (frees finalised buffers). */
export async function collect(): Promise<void> {
  gcFn!();
  await sleep(10); // a turn of the event loop between collections, so finalised buffers are freed
  gcFn!();
}

export interface MemoryReading {
  rss: number;
  /** V8 heap committed (used plus free space V8 keeps). */
  heapTotal: number;
  heapUsed: number;
  arrayBuffers: number;
}

/** Memory after a full collection, in MiB. */
export async function memory(): Promise<MemoryReading> {
  await collect();
  const m = process.memoryUsage();
  return { rss: m.rss / MiB, heapTotal: m.heapTotal / MiB, heapUsed: m.heapUsed / MiB, arrayBuffers: m.arrayBuffers / MiB };
}

/** Heap plus buffers, in MiB: what the process holds on purpose (RSS also counts freed pages the allocator keeps). */
export const held = (m: MemoryReading) => m.heapUsed + m.arrayBuffers;
