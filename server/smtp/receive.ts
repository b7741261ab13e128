// Reads one DATA stream into a Buffer without ever holding more than the size cap: beyond the
// cap the rest is drained and dropped (smtp-server keeps emitting an oversized stream).

import type { Readable } from 'node:stream';

/** The stream ended before the final dot: the client went away mid-message. */
export class AbortedMessageError extends Error {
  override name = 'AbortedMessageError';
}

/**
 * The chunks copied into a buffer with its own memory. Buffer.concat would carve small messages
 * out of Node's shared 8 KiB allocation pool, and a stored message would then pin the whole slab
 * (measured: ~6 KiB retained per stored 2 KiB message instead of 2 KiB).
 */
function ownBuffer(chunks: readonly Buffer[], size: number): Buffer {
  const raw = Buffer.allocUnsafeSlow(size);
  let offset = 0;
  for (const c of chunks) offset += c.copy(raw, offset);
  return raw;
}

/** Resolves with the bytes, or null when the message exceeded maxBytes (its rest drained). */
export function readMessage(stream: Readable, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let oversize = false;
    let ended = false;
    stream.on('data', (chunk: Buffer) => {
      if (oversize) return;
      size += chunk.length;
      if (size > maxBytes) {
        oversize = true;
        chunks.length = 0; // let go of what we had: it will never be stored
        return;
      }
      chunks.push(chunk);
    });
    stream.once('end', () => {
      ended = true;
      resolve(oversize ? null : ownBuffer(chunks, size));
    });
    stream.once('error', (err) => reject(new AbortedMessageError(err.message)));
    stream.once('close', () => {
      if (!ended) reject(new AbortedMessageError('connection closed before the message was received in full'));
    });
  });
}
