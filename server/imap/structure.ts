// BODYSTRUCTURE and BODY (RFC 3501 section 7.4.2) from the MIME tree of the raw bytes, and the
// bytes of a part section (BODY[1.2], BODY[2.MIME], BODY[3.HEADER] of an attached message),
// served exactly as received: sizes and line counts are of the encoded part as it is stored.

import addressparser from 'nodemailer/lib/addressparser';
import { decodeHeaderWords, type MimeNode } from '../mail/parse.js';
import { headerFields } from '../mail/raw-headers.js';
import type { Address } from '../mail/types.js';
import { envelope, join, list, str, type Part } from './wire.js';

const lines = (raw: Buffer, from: number, to: number) => {
  let n = 0;
  for (let at = raw.indexOf(0x0a, from); at !== -1 && at < to; at = raw.indexOf(0x0a, at + 1)) n++;
  return n;
};

function params(p: Record<string, string>): Part {
  const entries = Object.entries(p).filter(([k]) => !k.includes('*'));
  return entries.length ? join(list(entries.flatMap(([k, v]) => [str(k.toUpperCase()), str(v)]))) : 'NIL';
}

function disposition(node: MimeNode): Part {
  const d = node.disposition;
  return d && d.value ? join(list([str(d.value.toUpperCase()), params(d.params)])) : 'NIL';
}

function addresses(value: string | undefined): Address[] {
  if (!value) return [];
  return addressparser(value, { flatten: true }).map((a) => ({ name: decodeHeaderWords(a.name), address: a.address }));
}

/** The ENVELOPE of an attached message, from its own header. */
function embeddedEnvelope(node: MimeNode): Part[] {
  const h = (name: string) => node.headers.get(name);
  const from = addresses(h('from'));
  const sender = addresses(h('sender'));
  const replyTo = addresses(h('reply-to'));
  const subject = h('subject');
  return envelope({ date: h('date') ?? null, subject: subject === undefined ? null : decodeHeaderWords(subject), from, sender: sender.length ? sender : from, replyTo: replyTo.length ? replyTo : from, to: addresses(h('to')), cc: addresses(h('cc')), bcc: addresses(h('bcc')), inReplyTo: h('in-reply-to') ?? null, messageId: h('message-id') ?? null });
}

/** BODYSTRUCTURE (`extended`) or BODY of a node. */
export function bodyStructure(raw: Buffer, node: MimeNode, extended: boolean): Part[] {
  if (node.children.length) {
    const subtype = node.contentType.slice(node.contentType.indexOf('/') + 1).toUpperCase();
    const ext: Part[] = extended ? [' ', params(node.params), ' ', disposition(node), ' NIL NIL'] : [];
    return ['(', ...node.children.flatMap((c) => bodyStructure(raw, c, extended)), ' ', str(subtype), ...ext, ')'];
  }
  const multipartWithoutParts = node.contentType.startsWith('multipart/');
  const [type, subtype] = multipartWithoutParts ? ['text', 'plain'] : node.contentType.split('/');
  const fields: Part[] = [
    str(type!.toUpperCase()),
    str(subtype!.toUpperCase()),
    params(multipartWithoutParts ? {} : node.params),
    str(node.headers.get('content-id') ?? null),
    str(node.headers.get('content-description') ?? null),
    str((node.headers.get('content-transfer-encoding') ?? '7bit').toUpperCase()),
    String(node.end - node.bodyStart),
  ];
  if (node.contentType === 'message/rfc822' && node.message) fields.push(join(embeddedEnvelope(node.message)), join(bodyStructure(raw, node.message, extended)), String(lines(raw, node.bodyStart, node.end)));
  else if (type === 'text') fields.push(String(lines(raw, node.bodyStart, node.end)));
  if (extended) fields.push(str(node.headers.get('content-md5') ?? null), disposition(node), 'NIL', 'NIL');
  return list(fields);
}

/** A part section: the path ("1.2"), then what of it. */
export interface PartSection {
  path: number[];
  what: 'body' | 'mime' | 'header' | 'text' | { names: string[]; not: boolean };
}

/** The node a part path names, or null. */
function resolve(root: MimeNode, path: readonly number[]): MimeNode | null {
  let node = root;
  for (const n of path) {
    const container = node.message ?? node;
    if (container.children.length) {
      const child = container.children[n - 1];
      if (!child) return null;
      node = child;
    } else {
      if (n !== 1) return null;
      node = container; // part 1 of a message that is not multipart is its body
    }
  }
  return node;
}

/** The bytes of a part section, or null when the message has no such part. */
export function partBytes(raw: Buffer, root: MimeNode, section: PartSection): Buffer | null {
  const node = resolve(root, section.path);
  if (!node) return null;
  const { what } = section;
  if (what === 'body') return raw.subarray(node.bodyStart, node.end);
  if (what === 'mime') return raw.subarray(node.start, node.bodyStart);
  // HEADER, TEXT and HEADER.FIELDS of a part name the message inside a message/rfc822 part.
  const message = node.message;
  if (!message) return null;
  if (what === 'header') return raw.subarray(message.start, message.bodyStart);
  if (what === 'text') return raw.subarray(message.bodyStart, message.end);
  return headerFields(raw.subarray(message.start, message.end), what.names, what.not);
}
