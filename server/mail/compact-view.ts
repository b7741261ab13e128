// Keeps the per-message view small in memory. A heap snapshot of 20k stored 2 KB messages showed
// ~1.1 KB per message held by strings that were slices of larger ones: each snippet pinned the
// 800-character body window it was cut from, and header values pinned their whole header block.
// compactView() copies such strings out and shares one frozen empty array for empty lists.

import type { Address, MessageView, PartInfo } from './types.js';

const SLICE_MIN = 13; // V8 copies substrings shorter than this; longer ones may be slices of a parent

/** The same text in a string of its own, so it pins no larger parent string. */
export function ownString(s: string): string {
  return s.length < SLICE_MIN ? s : Buffer.from(s, 'utf8').toString('utf8');
}

const NO_ADDRESSES: Address[] = Object.freeze([]) as unknown as Address[];
const NO_PARTS: PartInfo[] = Object.freeze([]) as unknown as PartInfo[];

function address(a: Address): Address {
  return { name: ownString(a.name), address: ownString(a.address) };
}

function addresses(list: Address[]): Address[] {
  return list.length === 0 ? NO_ADDRESSES : list.map(address);
}

function part(p: PartInfo): PartInfo {
  return { ...p, filename: p.filename === null ? null : ownString(p.filename), contentType: ownString(p.contentType) };
}

/** A copy of the view that holds only its own strings; empty lists share one frozen array. */
export function compactView(v: MessageView): MessageView {
  return {
    from: v.from ? address(v.from) : null,
    to: addresses(v.to),
    cc: addresses(v.cc),
    bcc: addresses(v.bcc),
    replyTo: addresses(v.replyTo),
    subject: ownString(v.subject),
    date: v.date,
    messageId: v.messageId === null ? null : ownString(v.messageId),
    snippet: ownString(v.snippet),
    parts: v.parts.length === 0 ? NO_PARTS : v.parts.map(part),
    parseError: v.parseError,
    search: v.search, // built by joining, so already a string of its own
  };
}
