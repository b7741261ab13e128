// Tags: the normalisation every tag goes through (from headers, addresses or the API), and the tags
// a new message gets automatically, with Mailpit's meaning: an `X-Tags: a, b` header and
// plus-addressing (`user+a+b@…` in From, To, Cc or Bcc). Pure.

import { fold } from './fold.js';
import type { Address, Header } from './types.js';

export const MAX_TAG_LENGTH = 100; // Mailpit's bound
export const MAX_TAGS_PER_MESSAGE = 50; // a hostile X-Tags header must not make one message an index bomb

/**
 * A tag as stored: letters, digits, `-`, `_`, `.`, `@` and single spaces (Mailpit's set, widened to
 * Unicode letters and digits); anything else becomes a space; 1–100 characters. Null when nothing is left.
 */
export function normalizeTag(raw: string): string | null {
  const t = raw.replace(/[^\p{L}\p{N}\-_.@ ]/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_TAG_LENGTH).trim();
  return t ? t : null;
}

/** Normalises a list, dropping empties and case-insensitive duplicates (first spelling wins), sorted. */
export function normalizeTags(raw: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const r of raw) {
    const t = normalizeTag(r);
    if (t && !seen.has(fold(t)) && seen.size < MAX_TAGS_PER_MESSAGE) seen.set(fold(t), t);
  }
  return sortTags([...seen.values()]);
}

/** Case-insensitive alphabetical order, as the API lists them. */
export function sortTags(tags: string[]): string[] {
  return tags.sort((a, b) => fold(a).localeCompare(fold(b)) || a.localeCompare(b));
}

/** Tags from every `X-Tags` header (comma-separated). */
export function headerTags(headers: readonly Header[]): string[] {
  const out: string[] = [];
  for (const h of headers) if (h.name.toLowerCase() === 'x-tags') out.push(...h.value.split(','));
  return out;
}

/** Tags from plus-addressing: `user+a+b@example.test` gives `a` and `b`. */
export function plusTags(addresses: readonly (Address | null)[]): string[] {
  const out: string[] = [];
  for (const a of addresses) {
    if (!a) continue;
    const at = a.address.lastIndexOf('@');
    const local = at === -1 ? a.address : a.address.slice(0, at);
    const plus = local.indexOf('+');
    if (plus > 0) out.push(...local.slice(plus + 1).split('+'));
  }
  return out;
}

/** The tags a message gets at ingest. */
export function autoTags(msg: { headers: readonly Header[]; from: Address | null; to: Address[]; cc: Address[]; bcc: Address[] }): string[] {
  return normalizeTags([...headerTags(msg.headers), ...plusTags([msg.from, ...msg.to, ...msg.cc, ...msg.bcc])]);
}
