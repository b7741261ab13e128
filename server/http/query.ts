// Turns the search parameters of a request (query, tz, inbox) into a store Scope; a malformed query
// or an unknown time zone becomes a 400 `invalid_query` that says what is wrong and where.

import { compileQuery, QueryError, type CompiledQuery } from '../mail/search.js';
import { isTimeZone } from '../mail/search-date.js';
import type { Scope } from '../store/store.js';
import { ApiError } from './errors.js';

/** The search parameters any list/bulk route accepts (query string or JSON body). */
export interface SearchParams {
  query?: string;
  /** IANA time zone for dates in before:/after: without an explicit offset; defaults to the server's. */
  tz?: string;
  inbox?: string;
}

/** Schema properties for SearchParams, shared by query strings and bodies. */
export const searchParamsSchema = {
  query: { type: 'string', maxLength: 4096, description: 'search language (README "Search"); empty matches everything' },
  tz: { type: 'string', maxLength: 64, description: 'IANA time zone for before:/after: dates, e.g. Europe/Berlin; default: the server\'s' },
  inbox: { type: 'string', maxLength: 256, description: 'limit to one inbox' },
} as const;

/** Compiles a search query, turning a QueryError into a 400 that says what and where. */
export function compileOrThrow(query: string, tz?: string | null): CompiledQuery {
  if (tz && !isTimeZone(tz)) throw new ApiError(400, 'invalid_query', `unknown time zone "${tz}" in the tz parameter (expected an IANA name such as Europe/Berlin or UTC)`);
  try {
    return compileQuery(query, { tz: tz || null });
  } catch (err) {
    if (err instanceof QueryError) throw new ApiError(400, 'invalid_query', `${err.message} (at character ${err.position + 1} of the query)`);
    throw err;
  }
}

/** The store scope for some search parameters. */
export function scopeOf(params: SearchParams): Scope {
  if (params.tz && !isTimeZone(params.tz)) compileOrThrow('', params.tz);
  return {
    inbox: params.inbox || null,
    query: params.query?.trim() ? compileOrThrow(params.query, params.tz) : null,
  };
}

/** True when any search parameter narrows the scope. */
export function isScoped(params: SearchParams): boolean {
  return Boolean(params.inbox || params.query?.trim());
}
