// The search language: compileQuery(text) -> predicate over stored messages.
// PROVISIONAL: free words only, each matched case-insensitively (substring) against subject,
// addresses and snippet, all ANDed. The full Mailpit-compatible language replaces this behind
// the same signature (issue: search language, tags and inboxes).

import type { StoredMessage } from './types.js';

/** A malformed query; `position` is the character offset of the problem. */
export class QueryError extends Error {
  override name = 'QueryError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

export type MessagePredicate = (m: StoredMessage) => boolean;

function haystack(m: StoredMessage): string {
  const v = m.view;
  const addrs = [v.from, ...v.to, ...v.cc, ...v.bcc].filter(Boolean).map((a) => `${a!.name} ${a!.address}`);
  return [v.subject, v.snippet, ...addrs].join('\n').toLocaleLowerCase();
}

/** Compiles a query; an empty query matches everything. Throws QueryError when malformed. */
export function compileQuery(query: string): MessagePredicate {
  const words = query.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return () => true;
  return (m) => {
    const h = haystack(m);
    return words.every((w) => h.includes(w));
  };
}
