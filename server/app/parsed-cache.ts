// Full parses are derived from raw bytes on demand (the store keeps only a small view); a tiny
// LRU saves re-parsing while a user clicks through one message's tabs. mail/parse.ts reads the
// common shapes of application mail with its synchronous fast path, without yielding across ticks
// (the wait answer and the detail route were queueing behind mailparser under load).

import { parseMessage, type ParsedMessage } from '../mail/parse.js';
import type { StoredMessage } from '../mail/types.js';

const MAX_ENTRIES = 32;
const MAX_CACHED_RAW_BYTES = 1024 * 1024; // big messages are parsed each time rather than pinned in memory

export interface ParsedCache {
  /** The parse of `message`; `readRaw` is called only on a miss. */
  get(message: StoredMessage, readRaw: () => Promise<Buffer>, inlineImages?: boolean): Promise<ParsedMessage>;
}

async function parse(readRaw: () => Promise<Buffer>, inlineImages: boolean): Promise<ParsedMessage> {
  return parseMessage(await readRaw(), { inlineImages });
}

/** Creates an LRU of parsed messages keyed by id and variant (ids are never reused, so no invalidation). */
export function createParsedCache(): ParsedCache {
  const cache = new Map<string, Promise<ParsedMessage>>();
  return {
    get(message, readRaw, inlineImages = false) {
      const key = `${message.id}:${inlineImages ? 1 : 0}`;
      const hit = cache.get(key);
      if (hit) {
        cache.delete(key);
        cache.set(key, hit);
        return hit;
      }
      const parsed = parse(readRaw, inlineImages);
      if (message.size <= MAX_CACHED_RAW_BYTES) {
        cache.set(key, parsed);
        if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
      }
      return parsed;
    },
  };
}
