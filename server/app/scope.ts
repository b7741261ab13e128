// Which messages a use case covers: search parameters (query, tz, inbox) as every front door
// receives them, compiled once into the store's Scope. A malformed query or an unknown time zone
// is an `invalid` DomainError with code invalid_query that says what is wrong and where.

import { compileQuery, QueryError, type CompiledQuery, type MessagePredicate } from '../mail/search.js';
import { isTimeZone } from '../mail/search-date.js';
import type { Scope } from '../store/store.js';
import { invalid } from './errors.js';

/** Search parameters as a request carries them (query string, JSON body, tool arguments). */
export interface SearchInput {
  /** The search language (docs/search.md); empty or absent matches everything. */
  query?: string | undefined;
  /** IANA time zone for dates in before:/after: without an explicit offset; defaults to the server's. */
  tz?: string | undefined;
  inbox?: string | null | undefined;
  /** A front door's own extra condition (a dialect's search kinds), applied with the query. */
  filter?: MessagePredicate | null | undefined;
}

/** Refuses a tz parameter that is not an IANA time zone. */
function checkTimeZone(tz: string | null | undefined): void {
  if (tz && !isTimeZone(tz)) throw invalid(`unknown time zone "${tz}" in the tz parameter (expected an IANA name such as Europe/Berlin or UTC)`, undefined, 'invalid_query');
}

/** Compiles a search query, turning a QueryError into an invalid_query error naming the position. */
export function compileSearch(query: string, tz?: string | null): CompiledQuery {
  checkTimeZone(tz);
  try {
    return compileQuery(query, { tz: tz || null });
  } catch (err) {
    if (err instanceof QueryError) throw invalid(`${err.message} (at character ${err.position + 1} of the query)`, undefined, 'invalid_query');
    throw err;
  }
}

/** The store scope for some search parameters. */
export function scopeOf(input: SearchInput): Scope {
  checkTimeZone(input.tz);
  return {
    inbox: input.inbox || null,
    query: input.query?.trim() ? compileSearch(input.query, input.tz) : null,
    filter: input.filter ?? null,
  };
}

/** True when the input narrows the scope. */
export function isScoped(input: SearchInput): boolean {
  return Boolean(input.inbox || input.query?.trim() || input.filter);
}
