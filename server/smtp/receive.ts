// Reads one DATA stream into a Buffer without ever holding more than the size cap: beyond the
// cap the rest is drained and dropped (smtp-server keeps emitting an oversized stream). Every
// byte held is also reserved in the shared in-flight budget until the caller releases it.

import type { Readable } from 'node:stream';
import type { ByteBudget } from './inflight.js';

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

/** A complete message (release its reservation once stored), or why it was refused. */
export type ReadResult = { raw: Buffer; release: () => void } | { rejected: 'size' | 'busy' };

/** Resolves when the final dot arrives; rejects with AbortedMessageError if the client goes away. */
export function readMessage(stream: Readable, maxBytes: number, budget: ByteBudget): Promise<ReadResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let reserved = 0;
    let rejected: 'size' | 'busy' | null = null;
    let ended = false;
    const drop = (why: 'size' | 'busy') => {
      rejected = why;
      chunks.length = 0; // let go of what we had: it will never be stored
      budget.release(reserved);
      reserved = 0;
    };
    stream.on('data', (chunk: Buffer) => {
      if (rejected) return;
      size += chunk.length;
      if (size > maxBytes) return drop('size');
      if (!budget.take(chunk.length)) return drop('busy');
      reserved += chunk.length;
      chunks.push(chunk);
    });
    stream.once('end', () => {
      ended = true;
      if (rejected) return resolve({ rejected });
      let held = reserved;
      resolve({
        raw: ownBuffer(chunks, size),
        release: () => {
          budget.release(held);
          held = 0;
        },
      });
    });
    const abort = (message: string) => {
      budget.release(reserved);
      reserved = 0;
      reject(new AbortedMessageError(message));
    };
    stream.once('error', (err) => abort(err.message));
    stream.once('close', () => {
      if (!ended) abort('connection closed before the message was received in full');
    });
  });
}
