// The search language entry point: compileQuery(text) -> a predicate over stored messages that also
// carries index hints. Parsing lives in search-parse.ts, matching in search-match.ts, the per-message
// searchable text in search-view.ts. README "Search" documents the language.

import { hintsOf, predicateOf, type IndexHint, type MessagePredicate } from './search-match.js';
import { parseQuery, type ParseOptions, type QueryNode } from './search-parse.js';

export { QueryError } from './search-parse.js';
export type { IndexHint, MessagePredicate } from './search-match.js';
export type { ParseOptions as CompileOptions } from './search-parse.js';

/**
 * A compiled query: callable as a plain predicate (any store can apply it), plus the hints an
 * indexed store may use to scan only the candidates of its most selective top-level AND-term.
 */
export interface CompiledQuery extends MessagePredicate {
  readonly hints: readonly IndexHint[];
  readonly tree: QueryNode;
  /** True for the empty query (matches everything). */
  readonly all: boolean;
}

/** Compiles a query; an empty query matches everything. Throws QueryError when malformed. */
export function compileQuery(query: string, options: ParseOptions = {}): CompiledQuery {
  const tree = parseQuery(query, options);
  const predicate = predicateOf(tree);
  return Object.assign((m: Parameters<MessagePredicate>[0]) => predicate(m), { hints: hintsOf(tree), tree, all: tree.type === 'all' });
}

/** True when a predicate is a compiled query (and so carries index hints). */
export function isCompiledQuery(p: MessagePredicate | null | undefined): p is CompiledQuery {
  return typeof p === 'function' && Array.isArray((p as Partial<CompiledQuery>).hints);
}
