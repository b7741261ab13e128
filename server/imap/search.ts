// SEARCH (RFC 3501 section 6.4.4): the search keys read into one predicate over a message, its
// sequence number, UID and flags. Text keys run on the folded search view every message keeps
// (mail/search-view.ts: the same one the inbox search uses), so a SEARCH reads no raw bytes;
// matching is case-insensitive substring, as the RFC asks.

import { foldSpace } from '../mail/fold.js';
import { hasHeader, inSegments, SEG } from '../mail/search-view.js';
import type { StoredMessage } from '../mail/types.js';
import type { Token } from './parser.js';
import { inSet, sequenceSet } from './wire.js';

export interface Candidate {
  message: StoredMessage;
  seq: number;
  uid: number;
  /** Computed only when a flag key asks. */
  flags(): readonly string[];
}

type Predicate = (c: Candidate) => boolean;

export class SearchSyntaxError extends Error {}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MAX_KEYS = 1000;

/** An IMAP date ("1-Feb-1994") as the UTC day number it names. */
function day(text: string): number {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  const month = m ? MONTHS.indexOf(m[2]!.toLowerCase()) : -1;
  if (!m || month === -1) throw new SearchSyntaxError(`invalid date ${JSON.stringify(text)} (expected e.g. 1-Feb-2026)`);
  return Date.UTC(Number(m[3]), month, Number(m[1])) / 86_400_000;
}

const dayOf = (ms: number) => Math.floor(ms / 86_400_000);
const flag = (name: string): Predicate => (c) => c.flags().some((f) => f.toLowerCase() === name);

const TEXT_SEGMENTS: Record<string, number> = { FROM: SEG.from, TO: SEG.to, CC: SEG.cc, BCC: SEG.bcc, SUBJECT: SEG.subject, BODY: SEG.body };

/** Reads search keys from `tokens`; `maxSeq`/`maxUid` stand for "*". */
export function parseSearch(tokens: readonly Token[], maxSeq: number, maxUid: number): Predicate {
  let at = 0;
  let keys = 0;
  const text = (): string => {
    const t = tokens[at++];
    if (!t || t.kind === 'list') throw new SearchSyntaxError('a search key is missing its argument');
    return t.kind === 'atom' ? t.value : t.value.toString('utf8');
  };
  const key = (): Predicate => {
    if (++keys > MAX_KEYS) throw new SearchSyntaxError(`more than ${MAX_KEYS} search keys`);
    const t = tokens[at++];
    if (!t) throw new SearchSyntaxError('a search key is missing');
    if (t.kind === 'list') {
      const inner = parseSearch(t.items, maxSeq, maxUid);
      return inner;
    }
    if (t.kind === 'string') throw new SearchSyntaxError('expected a search key, not a string');
    const name = t.value.toUpperCase();
    if (/^[\d*:,]+$/.test(name)) {
      const set = sequenceSet(name, maxSeq);
      if (!set) throw new SearchSyntaxError(`invalid sequence set ${name}`);
      return (c) => inSet(set, c.seq);
    }
    const segment = TEXT_SEGMENTS[name];
    if (segment !== undefined) {
      const needle = foldSpace(text());
      return (c) => inSegments(c.message.view.search, needle, segment);
    }
    switch (name) {
      case 'ALL':
      case 'OLD':
        return () => true;
      case 'NEW':
      case 'RECENT':
        return () => false; // Mailroom has no \Recent: no session is first to see a message
      case 'SEEN':
      case 'ANSWERED':
      case 'DELETED':
      case 'DRAFT':
      case 'FLAGGED':
        return flag(`\\${name.toLowerCase()}`);
      case 'UNSEEN':
      case 'UNANSWERED':
      case 'UNDELETED':
      case 'UNDRAFT':
      case 'UNFLAGGED': {
        const has = flag(`\\${name.slice(2).toLowerCase()}`);
        return (c) => !has(c);
      }
      case 'KEYWORD':
      case 'UNKEYWORD': {
        const has = flag(text().toLowerCase());
        return name === 'KEYWORD' ? has : (c) => !has(c);
      }
      case 'TEXT': {
        const needle = foldSpace(text());
        return (c) => inSegments(c.message.view.search, needle, 0, SEG.headers);
      }
      case 'HEADER': {
        const field = foldSpace(text());
        const value = foldSpace(text());
        return (c) => hasHeader(c.message.view.search, field, value === '' ? null : value);
      }
      case 'BEFORE':
      case 'ON':
      case 'SINCE':
      case 'SENTBEFORE':
      case 'SENTON':
      case 'SENTSINCE': {
        const d = day(text());
        const sent = name.startsWith('SENT');
        const of = (c: Candidate) => (sent ? (c.message.view.date ? dayOf(Date.parse(c.message.view.date)) : null) : dayOf(c.message.receivedAt));
        const op = name.replace('SENT', '');
        return (c) => {
          const v = of(c);
          return v !== null && (op === 'BEFORE' ? v < d : op === 'ON' ? v === d : v >= d);
        };
      }
      case 'LARGER':
      case 'SMALLER': {
        const n = Number(text());
        if (!Number.isSafeInteger(n) || n < 0) throw new SearchSyntaxError(`${name} takes a number of bytes`);
        return name === 'LARGER' ? (c) => c.message.size > n : (c) => c.message.size < n;
      }
      case 'UID': {
        const spec = text();
        const set = sequenceSet(spec, maxUid);
        if (!set) throw new SearchSyntaxError(`invalid UID set ${spec}`);
        return (c) => inSet(set, c.uid);
      }
      case 'NOT': {
        const inner = key();
        return (c) => !inner(c);
      }
      case 'OR': {
        const a = key();
        const b = key();
        return (c) => a(c) || b(c);
      }
    }
    throw new SearchSyntaxError(`unknown search key ${JSON.stringify(name.slice(0, 30))}`);
  };
  const all: Predicate[] = [];
  while (at < tokens.length) all.push(key());
  if (!all.length) throw new SearchSyntaxError('SEARCH needs at least one search key');
  return (c) => all.every((p) => p(c));
}
