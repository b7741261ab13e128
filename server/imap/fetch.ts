// FETCH (RFC 3501 section 6.4.5): the attribute list read into items, and one message's response
// built from its stored summary and, when an item needs them, its raw bytes, served exactly as
// SMTP received them (BODY[] is byte-identical to /api/messages/:id/raw).

import { mimeTree, type MimeNode } from '../mail/parse.js';
import { headerFields, rawHeaderValues, splitHeader } from '../mail/raw-headers.js';
import type { StoredMessage } from '../mail/types.js';
import type { Token } from './parser.js';
import { bodyStructure, partBytes, type PartSection } from './structure.js';
import { envelope, internalDate, join, list, literalParts, type Part } from './wire.js';

/** One fetch attribute. */
export type FetchItem =
  | { kind: 'UID' | 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY' }
  | { kind: 'section'; name: 'BODY' | 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT'; section: Section; peek: boolean; partial: { origin: number; length: number | null } | null };

type Section = { kind: 'full' } | { kind: 'header' } | { kind: 'text' } | { kind: 'fields'; names: string[]; not: boolean } | ({ kind: 'part'; label: string } & PartSection);

export class FetchSyntaxError extends Error {}

const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

const fieldNames = (list_: string) => list_.trim().split(/\s+/).filter(Boolean).map((n) => n.replace(/^"(.*)"$/, '$1'));

function section(text: string): Section {
  const t = text.trim().toUpperCase();
  if (t === '') return { kind: 'full' };
  if (t === 'HEADER') return { kind: 'header' };
  if (t === 'TEXT') return { kind: 'text' };
  const m = /^HEADER\.FIELDS(\.NOT)?\s*\(([^)]*)\)$/i.exec(text.trim());
  if (m) {
    const names = fieldNames(m[2]!);
    if (!names.length) throw new FetchSyntaxError('HEADER.FIELDS needs at least one field name');
    return { kind: 'fields', names, not: Boolean(m[1]) };
  }
  const p = /^([1-9]\d{0,5}(?:\.[1-9]\d{0,5}){0,31})(?:\.(MIME|HEADER|TEXT|HEADER\.FIELDS(\.NOT)?\s*\(([^)]*)\)))?$/i.exec(text.trim());
  if (!p) throw new FetchSyntaxError(`invalid section [${text}]`);
  const path = p[1]!.split('.').map(Number);
  const sub = (p[2] ?? '').toUpperCase();
  const what: PartSection['what'] = sub === '' ? 'body' : sub === 'MIME' ? 'mime' : sub === 'HEADER' ? 'header' : sub === 'TEXT' ? 'text' : { names: fieldNames(p[4]!), not: Boolean(p[3]) };
  const label = typeof what === 'string' ? `${p[1]}${sub ? `.${sub}` : ''}` : `${p[1]}.HEADER.FIELDS${what.not ? '.NOT' : ''} (${what.names.join(' ')})`;
  return { kind: 'part', path, what, label };
}

function item(atom: string): FetchItem[] {
  const upper = atom.toUpperCase();
  if (MACROS[upper]) return MACROS[upper].flatMap(item);
  switch (upper) {
    case 'UID':
    case 'FLAGS':
    case 'INTERNALDATE':
    case 'RFC822.SIZE':
    case 'ENVELOPE':
    case 'BODYSTRUCTURE':
    case 'BODY':
      return [{ kind: upper }];
    case 'RFC822':
      return [{ kind: 'section', name: 'RFC822', section: { kind: 'full' }, peek: false, partial: null }];
    case 'RFC822.HEADER':
      return [{ kind: 'section', name: 'RFC822.HEADER', section: { kind: 'header' }, peek: true, partial: null }];
    case 'RFC822.TEXT':
      return [{ kind: 'section', name: 'RFC822.TEXT', section: { kind: 'text' }, peek: false, partial: null }];
  }
  const m = /^BODY(\.PEEK)?\[([^\]]*)\](?:<(\d{1,10})(?:\.(\d{1,10}))?>)?$/i.exec(atom);
  if (!m) throw new FetchSyntaxError(`unknown fetch attribute ${JSON.stringify(atom.slice(0, 40))}`);
  return [{ kind: 'section', name: 'BODY', section: section(m[2]!), peek: Boolean(m[1]), partial: m[3] === undefined ? null : { origin: Number(m[3]), length: m[4] === undefined ? null : Number(m[4]) } }];
}

/** The items of a FETCH command's attribute argument (an atom, a macro or a list). */
export function fetchItems(token: Token | undefined): FetchItem[] {
  if (!token) throw new FetchSyntaxError('FETCH needs attributes');
  if (token.kind === 'string') throw new FetchSyntaxError('fetch attributes are atoms');
  const atoms = token.kind === 'list' ? token.items : [token];
  const items = atoms.flatMap((a) => {
    if (a.kind !== 'atom') throw new FetchSyntaxError('fetch attributes are atoms');
    return item(a.value);
  });
  if (!items.length) throw new FetchSyntaxError('FETCH needs attributes');
  return items;
}

/** Whether answering these items sets \Seen (a BODY[...] without PEEK, RFC822, RFC822.TEXT). */
export const setsSeen = (items: readonly FetchItem[]) => items.some((i) => i.kind === 'section' && !i.peek);
/** Whether the raw bytes are needed. */
export const needsRaw = (items: readonly FetchItem[]) => items.some((i) => i.kind === 'section' || i.kind === 'ENVELOPE' || i.kind === 'BODYSTRUCTURE' || i.kind === 'BODY');

function sectionBytes(raw: Buffer, s: Section, tree: () => MimeNode): Buffer {
  switch (s.kind) {
    case 'part':
      return partBytes(raw, tree(), s) ?? Buffer.alloc(0); // no such part: an empty string
    case 'full':
      return raw;
    case 'header':
      return raw.subarray(0, splitHeader(raw).bodyStart);
    case 'text':
      return raw.subarray(splitHeader(raw).bodyStart);
    case 'fields':
      return headerFields(raw, s.names, s.not);
  }
}

function sectionName(i: Extract<FetchItem, { kind: 'section' }>): string {
  if (i.name !== 'BODY') return i.name;
  const s = i.section;
  const inner = s.kind === 'full' ? '' : s.kind === 'header' ? 'HEADER' : s.kind === 'text' ? 'TEXT' : s.kind === 'part' ? s.label : `HEADER.FIELDS${s.not ? '.NOT' : ''} (${s.names.join(' ')})`;
  return `BODY[${inner}]${i.partial ? `<${i.partial.origin}>` : ''}`;
}

function envelopeOf(message: StoredMessage, raw: Buffer): Part[] {
  const v = message.view;
  const header = (name: string) => rawHeaderValues(raw, name)[0] ?? null;
  const from = v.from ? [v.from] : [];
  return envelope({ date: header('date'), subject: v.subject || null, from, sender: from, replyTo: v.replyTo.length ? v.replyTo : from, to: v.to, cc: v.cc, bcc: v.bcc, inReplyTo: header('in-reply-to'), messageId: v.messageId });
}

/** "* n FETCH (...)" for one message. */
/** One FETCH response as parts (text and the message's own bytes), for the caller to join with others. */
export function fetchResponse(seq: number, uid: number, message: StoredMessage, flags: readonly string[], items: readonly FetchItem[], raw: Buffer | null): Part[] {
  // Every item's parts go into one flat list, joined once: the message bytes are copied once.
  const parts: Part[] = [`* ${seq} FETCH (`];
  const add = (name: string, value: Part | Part[]) => {
    parts.push(parts.length > 1 ? ` ${name} ` : `${name} `);
    if (Array.isArray(value)) for (const v of value) parts.push(v);
    else parts.push(value);
  };
  const done = new Set<string>();
  let parsedTree: MimeNode | null = null;
  const tree = () => (parsedTree ??= mimeTree(raw!));
  for (const i of items) {
    const key = i.kind === 'section' ? sectionName(i) : i.kind;
    if (done.has(key)) continue;
    done.add(key);
    switch (i.kind) {
      case 'UID':
        add('UID', String(uid));
        break;
      case 'FLAGS':
        add('FLAGS', join(list(flags)));
        break;
      case 'INTERNALDATE':
        add('INTERNALDATE', internalDate(message.receivedAt));
        break;
      case 'RFC822.SIZE':
        add('RFC822.SIZE', String(message.size));
        break;
      case 'ENVELOPE':
        add('ENVELOPE', envelopeOf(message, raw!));
        break;
      case 'BODYSTRUCTURE':
      case 'BODY':
        add(i.kind, bodyStructure(raw!, tree(), i.kind === 'BODYSTRUCTURE'));
        break;
      case 'section': {
        let bytes = sectionBytes(raw!, i.section, tree);
        if (i.partial) bytes = bytes.subarray(i.partial.origin, i.partial.length === null ? undefined : i.partial.origin + i.partial.length);
        add(key, literalParts(bytes));
        break;
      }
    }
  }
  parts.push(')\r\n');
  return parts;
}

