// The search language, second half: syntax tree -> predicate over stored messages, plus the index
// hints a store may use to narrow the candidates before applying the predicate. Pure.

import { fold } from './fold.js';
import type { Filter, QueryNode, TextField } from './search-parse.js';
import { hasHeader, inSegments, mayContain, needleBits, SEG } from './search-view.js';
import type { StoredMessage } from './types.js';

export type MessagePredicate = (m: StoredMessage) => boolean;

/**
 * A top-level AND-term an index can answer. Every message the query matches satisfies each hint, so
 * an adapter may scan only the candidates of any one hint (it must still apply the predicate).
 * `address` and `message-id` are folded substrings of the indexed keys (see addressKey()).
 */
export type IndexHint =
  | { kind: 'tag'; value: string }
  | { kind: 'inbox'; value: string }
  | { kind: 'unread' }
  | { kind: 'address'; value: string }
  | { kind: 'message-id'; value: string }
  /** An OR of indexable terms: the union of their candidates. */
  | { kind: 'any'; hints: IndexHint[] };

/** Segment range [first, last] each text field searches. */
const FIELD_SEGMENTS: Record<TextField, [number, number]> = {
  text: [SEG.subject, SEG.body],
  subject: [SEG.subject, SEG.subject],
  from: [SEG.from, SEG.from],
  to: [SEG.to, SEG.to],
  cc: [SEG.cc, SEG.cc],
  bcc: [SEG.bcc, SEG.bcc],
  'reply-to': [SEG.replyTo, SEG.replyTo],
  addressed: [SEG.from, SEG.replyTo],
  attachment: [SEG.attachment, SEG.attachment],
  body: [SEG.body, SEG.body],
  'message-id': [SEG.messageId, SEG.messageId],
};

function attachmentCounts(m: StoredMessage): { attachments: number; inline: number } {
  let inline = 0;
  for (const p of m.view.parts) if (p.related) inline++;
  return { attachments: m.view.parts.length - inline, inline };
}

function filterPredicate(f: Filter): MessagePredicate {
  switch (f.kind) {
    case 'text': {
      const [first, last] = FIELD_SEGMENTS[f.field];
      const value = f.value;
      const bits = needleBits(value);
      return (m) => mayContain(m.view.search, bits) && inSegments(m.view.search, value, first, last);
    }
    case 'tag':
      return (m) => m.tags.some((t) => fold(t) === f.value);
    case 'inbox':
      return (m) => m.inbox === f.value; // inbox names are stored folded
    case 'is':
      if (f.value === 'read') return (m) => m.read;
      if (f.value === 'unread') return (m) => !m.read;
      return (m) => m.tags.length > 0;
    case 'has':
      return f.value === 'attachment' ? (m) => attachmentCounts(m).attachments > 0 : (m) => attachmentCounts(m).inline > 0;
    case 'size':
      return f.op === 'larger' ? (m) => m.size > f.bytes : (m) => m.size < f.bytes;
    case 'date':
      // Mailpit's meaning: before: is <= the instant, after: is >= it.
      return f.op === 'before' ? (m) => m.receivedAt <= f.ms : (m) => m.receivedAt >= f.ms;
    case 'header':
      return (m) => hasHeader(m.view.search, f.name, f.value);
  }
}

/** The predicate for a tree. */
export function predicateOf(node: QueryNode): MessagePredicate {
  switch (node.type) {
    case 'all':
      return () => true;
    case 'term':
      return filterPredicate(node.filter);
    case 'not': {
      const inner = predicateOf(node.node);
      return (m) => !inner(m);
    }
    case 'and': {
      const parts = node.nodes.map(predicateOf);
      return (m) => parts.every((p) => p(m));
    }
    case 'or': {
      const parts = node.nodes.map(predicateOf);
      return (m) => parts.some((p) => p(m));
    }
  }
}

function hintOf(node: QueryNode): IndexHint | null {
  if (node.type === 'or') {
    const hints = node.nodes.map(hintOf);
    return hints.every((h) => h !== null) ? { kind: 'any', hints: hints } : null;
  }
  if (node.type === 'not') {
    const inner = node.node;
    return inner.type === 'term' && inner.filter.kind === 'is' && inner.filter.value === 'read' ? { kind: 'unread' } : null;
  }
  if (node.type !== 'term') return null;
  const f = node.filter;
  if (f.kind === 'tag' || f.kind === 'inbox') return { kind: f.kind, value: f.value };
  if (f.kind === 'is' && f.value === 'unread') return { kind: 'unread' };
  if (f.kind === 'text' && f.field === 'message-id') return { kind: 'message-id', value: f.value };
  if (f.kind === 'text' && ['from', 'to', 'cc', 'bcc', 'reply-to', 'addressed'].includes(f.field)) return { kind: 'address', value: f.value };
  return null;
}

/** Index hints for the top-level AND-terms of a tree; an OR gives one when every branch does. */
export function hintsOf(node: QueryNode): IndexHint[] {
  const terms = node.type === 'and' ? node.nodes : [node];
  return terms.map(hintOf).filter((h): h is IndexHint => h !== null);
}
