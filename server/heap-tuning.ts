// V8 tuning for the server process (the CLI's serve command; never applied by startMailroom(), as
// a library must not change its host's GC). Mailroom's heap is large and long-lived (every stored
// message's view and search text) and it turns over steadily once the count cap is reached: each
// arrival evicts the oldest message, whose objects die in the old generation. By default V8 lets
// the old generation grow well past the live size before a major GC, and does not hand pages back
// soon: with 100k stored 2 KB messages RSS rose +38% over the next 50k arrivals with the live heap
// flat (+5%). Growing by 25% between major GCs kept it at +16% and level after that
// (npm run bench -- --only growth), for a few percent more GC time.

import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 25;

/** Applies the tuning to this process (V8 reads the flag at each heap-limit computation). */
export function tuneHeapForServing(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
