// Unicode-aware case folding shared by the search view (ingest), the query compiler and the store's
// indexes, so both sides of every comparison are folded the same way.

const SPACE_RUN = /\s+/g;

/**
 * Folds text for case-insensitive comparison: NFKC (ligatures, full-width forms), lower case, and the
 * few full case-folding rules lower-casing misses (ß/ẞ -> ss, final sigma -> σ, dotted capital İ -> i).
 * Not locale-dependent: a Turkish server locale must not change what matches.
 */
export function fold(text: string): string {
  // Pure ASCII (the common case) needs only lower-casing.
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  return text.normalize('NFKC').toLowerCase().replace(/ß/g, 'ss').replace(/ς/g, 'σ').replace(/i\u0307/g, 'i');
}

/** Folds and collapses every run of whitespace (newlines included) to one space, trimmed. */
export function foldSpace(text: string): string {
  return fold(text).replace(SPACE_RUN, ' ').trim();
}
