// Message ids: server-generated, URL-safe, unguessable enough for a local tool, cheap to make.

import { randomBytes } from 'node:crypto';

const POOL_BYTES = 4096; // one randomBytes call serves ~340 ids
const ID_BYTES = 12; // 16 base64url characters

/** Creates an id generator with its own random pool (no module state). */
export function createIdGenerator(): () => string {
  let pool = randomBytes(POOL_BYTES);
  let offset = 0;
  return () => {
    if (offset + ID_BYTES > pool.length) {
      pool = randomBytes(POOL_BYTES);
      offset = 0;
    }
    const id = pool.toString('base64url', offset, offset + ID_BYTES);
    offset += ID_BYTES;
    return id;
  };
}

/** Ids this server generates: 16 base64url characters. Anything else is not one of ours. */
export const ID_PATTERN = '^[A-Za-z0-9_-]{16}$';
