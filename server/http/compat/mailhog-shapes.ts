// Pure translation of a stored message into MailHog's message JSON (data.Message of MailHog
// v1.0.1), built from the raw bytes by MailHog's own rules: headers split at the first blank
// line, values kept encoded, a repeated header keeps its last value, bodies stay
// transfer-encoded, multipart bodies split naively on the boundary (closing "--" part included).
// Clients (mailhog, cypress-mailhog) decode bodies and RFC 2047 words themselves.

import type { MailEvent } from '../../events/bus.js';
import type { StoredMessage } from '../../mail/types.js';
import { splitHeaderText } from '../../mail/raw-headers.js';
import type { App } from '../../app/index.js';

export interface MailhogPath {
  Relays: string[] | null;
  Mailbox: string;
  Domain: string;
  Params: string;
}

export interface MailhogContent {
  Headers: Record<string, string[]>;
  Body: string;
  Size: number;
  MIME: { Parts: MailhogContent[] } | null;
}

export interface MailhogMessage {
  ID: string;
  From: MailhogPath;
  To: MailhogPath[];
  Content: MailhogContent;
  Created: string;
  MIME: { Parts: MailhogContent[] } | null;
  Raw: { From: string; To: string[]; Data: string; Helo: string };
}

/** "relay1,relay2:user@domain" -> {Relays, Mailbox, Domain}; no "@" leaves Domain empty. */
export function pathOf(address: string): MailhogPath {
  let relays: string[] | null = null;
  let rest = address;
  const colon = rest.indexOf(':');
  if (colon !== -1) {
    relays = rest.slice(0, colon).split(',');
    rest = rest.slice(colon + 1);
  }
  const at = rest.indexOf('@');
  return { Relays: relays, Mailbox: at === -1 ? rest : rest.slice(0, at), Domain: at === -1 ? '' : rest.slice(at + 1), Params: '' };
}

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

/** Go's map encoding sorts keys; build the header object in that order. */
function sortedHeaders(map: Map<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const key of [...map.keys()].sort()) out[key] = map.get(key)!;
  return out;
}

/** MailHog's ContentFromString: headers (last value wins, folded lines appended raw) + body. */
export function contentFromString(data: string): { headers: Map<string, string[]>; body: string; size: number } {
  const split = splitHeaderText(data);
  if (!split.found) return { headers: new Map(), body: data, size: byteLength(data) };
  const headers = new Map<string, string[]>();
  let last: string | null = null;
  for (const line of data.slice(0, split.headEnd).split(/\r?\n/)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== null) {
      const values = headers.get(last)!;
      values[values.length - 1] += line;
      continue;
    }
    const sep = line.indexOf(': ');
    if (sep === -1) continue;
    last = line.slice(0, sep);
    headers.set(last, [line.slice(sep + 2)]);
  }
  return { headers, body: data.slice(split.bodyStart), size: byteLength(data) };
}

function boundaryOf(contentType: string): string | null {
  return /;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType)?.slice(1).find(Boolean) ?? null;
}

function isMultipart(headers: Map<string, string[]> | Record<string, string[]>): string | null {
  const type = headers instanceof Map ? headers.get('Content-Type')?.[0] : headers['Content-Type']?.[0];
  return type && type.startsWith('multipart/') ? type : null;
}

/** MailHog's ParseMIMEBody: split on "--boundary", trim CR/LF, parse each chunk, recurse. */
export function mimeParts(contentType: string, body: string, depth = 0): { Parts: MailhogContent[] } {
  const boundary = boundaryOf(contentType);
  const parts: MailhogContent[] = [];
  if (!boundary || depth > MAX_MIME_DEPTH) return { Parts: parts };
  for (const chunk of body.split('--' + boundary)) {
    if (chunk.length === 0) continue;
    const c = contentFromString(chunk.replace(/^[\r\n]+|[\r\n]+$/g, ''));
    const nested = isMultipart(c.headers);
    parts.push({
      Headers: sortedHeaders(c.headers),
      Body: c.body,
      Size: c.size,
      MIME: nested ? mimeParts(nested, c.body, depth + 1) : null,
    });
  }
  return { Parts: parts };
}

const MAX_MIME_DEPTH = 32; // hostile nesting stops here; the parser's own node cap still applies

const pad = (n: number) => String(n).padStart(2, '0');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000". */
function rfc1123z(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** The full MailHog message for a stored message and its raw bytes, with the headers MailHog adds on receipt. */
export function mailhogMessage(m: StoredMessage, raw: Buffer, hostname = 'mailroom'): MailhogMessage {
  // MailHog's Raw.Data is the DATA payload without the terminating "\r\n.\r\n", i.e. without
  // the final line break that Mailroom keeps as part of the message.
  const data = raw.toString('utf8').replace(/\r?\n$/, '');
  const c = contentFromString(data);
  const h = c.headers;
  if (![...h.keys()].some((k) => k.toLowerCase() === 'message-id')) h.set('Message-ID', [m.id]);
  const received = `from ${m.envelope.heloName} by ${hostname} (Mailroom)\r\n          id ${m.id}; ${rfc1123z(m.receivedAt)}`;
  h.set('Received', [...(h.get('Received') ?? []), received]);
  h.set('Return-Path', [...(h.get('Return-Path') ?? []), `<${m.envelope.mailFrom}>`]);
  const multipart = isMultipart(h);
  return {
    ID: m.id,
    From: pathOf(m.envelope.mailFrom),
    To: m.envelope.rcptTo.map(pathOf),
    Content: { Headers: sortedHeaders(h), Body: c.body, Size: c.size, MIME: null },
    Created: new Date(m.receivedAt).toISOString(),
    MIME: multipart ? mimeParts(multipart, c.body) : null,
    Raw: { From: m.envelope.mailFrom, To: [...m.envelope.rcptTo], Data: data, Helo: m.envelope.heloName },
  };
}

/** MailHog's /api/v2/websocket: one frame with the full message per new message, nothing else. */
export function mailhogFrames(useCases: App, hostname?: string): (event: MailEvent) => Promise<string | null> | null {
  return (event) => {
    if (event.type !== 'message:new') return null;
    const id = event.summary.id;
    return Promise.all([useCases.findMessage(id), useCases.readRaw(id).catch(() => null)]).then(([m, raw]) => (m && raw ? JSON.stringify(mailhogMessage(m, raw, hostname)) : null));
  };
}
