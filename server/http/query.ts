// The search parameters any native list/bulk route accepts (query string or JSON body), and their
// schema. Compiling them into a scope is the use-case layer's work (server/app/scope.ts).

/** The search parameters as a request carries them. */
export interface SearchParams {
  query?: string;
  /** IANA time zone for before:/after: dates without an explicit offset; defaults to the server's. */
  tz?: string;
  inbox?: string;
}

/** Schema properties for SearchParams, shared by query strings and bodies. */
export const searchParamsSchema = {
  query: { type: 'string', maxLength: 4096, description: 'search language (README "Search"); empty matches everything' },
  tz: { type: 'string', maxLength: 64, description: 'IANA time zone for before:/after: dates, e.g. Europe/Berlin; default: the server\'s' },
  inbox: { type: 'string', maxLength: 256, description: 'limit to one inbox' },
} as const;
