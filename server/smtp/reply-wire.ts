// The adapter's small helpers that need nothing of smtp-server: the reply text as written (for
// the transcript), reply coalescing, and answering a library callback from a pipeline step.

import type { Socket } from 'node:net';
import type { StepResult } from './session.js';

/** A reply as the library writes it: "code[-| ]enhanced text", lines joined by \n. */
export function replyText(code: number, data: string | string[] | null | undefined, enhanced: string): string {
  const prefix = enhanced ? ` ${enhanced}` : '';
  if (Array.isArray(data)) return data.map((line, i) => `${code}${i < data.length - 1 ? '-' : ' '}${enhanced ? enhanced + ' ' : ''}${line}`).join('\n');
  return `${code}${prefix}${data ? ' ' + data : ''}`;
}

/** Corks the socket until the next turn of the event loop (adapter.ts, 3.); end() flushes what is held. */
export function coalesce(socket: Socket | undefined): void {
  if (!socket || socket.writableCorked > 0 || socket.destroyed) return;
  socket.cork();
  setImmediate(() => socket.uncork());
}

/** Answers a library callback from a step: never synchronously (adapter.ts, onMailFrom, says why). */
export function settle(session: { refusal(err: unknown): Error }, run: () => StepResult, callback: (err?: Error | null) => void): void {
  let result: StepResult;
  try {
    result = run();
  } catch (err) {
    return process.nextTick(callback, session.refusal(err));
  }
  if (!result) return process.nextTick(callback);
  result.then(
    () => callback(),
    (err: unknown) => callback(session.refusal(err)),
  );
}
