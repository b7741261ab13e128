// Reading saved mail for `send` and `ingest`: header fields and addresses (for an SMTP envelope),
// .eml files, mbox files (mboxrd/mboxo "From " separators), and directories of them.

import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { removeHeader, splitHeader } from '../mail/raw-headers.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The header section (bytes before the first empty line), unfolded. Raw 8-bit header bytes are
 * UTF-8 (RFC 6532: internationalised addresses such as jürgen@x.test); bytes that are not valid
 * UTF-8 are read as latin1, one character per byte.
 */
function headerSection(data: Buffer): string {
  const head = data.subarray(0, splitHeader(data, 256 * 1024).headEnd); // headers past 256 KiB are not addresses we need
  let text: string;
  try {
    text = utf8.decode(head);
  } catch {
    text = head.toString('latin1');
  }
  return text.replace(/\r?\n[ \t]+/g, ' ');
}

/** Values of the named header fields (case-insensitive), unfolded, in message order. */
export function headerValues(data: Buffer, names: readonly string[]): string[] {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const out: string[] = [];
  for (const line of headerSection(data).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && wanted.has(line.slice(0, colon).trim().toLowerCase())) out.push(line.slice(colon + 1).trim());
  }
  return out;
}

/** The addr-specs in an address-list header value ("A <a@x>, b@y, group: c@z;"). */
export function addressesIn(value: string): string[] {
  const cleaned = value.replace(/"(?:[^"\\]|\\.)*"/g, ' ').replace(/\((?:[^()\\]|\\.)*\)/g, ' ');
  const out: string[] = [];
  for (const m of cleaned.matchAll(/<([^<>]*)>|([^\s<>,;:]+@[^\s<>,;:]+)/g)) {
    const a = (m[1] ?? m[2] ?? '').trim().replace(/^@[^:]*:/, ''); // drop an obsolete source route
    if (a.includes('@')) out.push(a);
  }
  return out;
}

const unique = (list: string[]) => [...new Map(list.map((a) => [a.toLowerCase(), a])).values()];

/** Recipients named in To, Cc and Bcc. */
export function headerRecipients(data: Buffer): string[] {
  return unique(headerValues(data, ['to', 'cc', 'bcc']).flatMap(addressesIn));
}

/** An envelope for saved mail: sender from Return-Path/Sender/From, recipients from To/Cc/Bcc (else Delivered-To/X-Original-To). */
export function envelopeFromHeaders(data: Buffer): { from: string; to: string[] } {
  const returnPath = headerValues(data, ['return-path'])[0];
  const from = (returnPath !== undefined ? addressesIn(returnPath)[0] : undefined) ?? addressesIn(headerValues(data, ['sender', 'from']).join(', '))[0] ?? '';
  let to = headerRecipients(data);
  if (to.length === 0) to = unique(headerValues(data, ['delivered-to', 'x-original-to']).flatMap(addressesIn));
  return { from, to };
}

/** The message without its Bcc header field(s) (what sendmail -t sends). */
export function withoutBcc(data: Buffer): Buffer {
  return removeHeader(data, 'bcc');
}

/** One message read from a file. */
export interface SavedMessage {
  /** Where it came from: the path, plus "#n" for the n-th message of an mbox. */
  source: string;
  data: Buffer;
  /** Envelope sender from an mbox "From " line, when there was one. */
  mboxSender?: string;
}

/** Splits an mbox into messages; ">From " lines are unescaped (mboxrd). */
export function splitMbox(data: Buffer, source: string): SavedMessage[] {
  const text = data.toString('latin1');
  const out: SavedMessage[] = [];
  const starts: Array<{ at: number; body: number; sender: string }> = [];
  const re = /(^|\n)From ([^\r\n]*)\r?\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = m.index + m[1]!.length;
    // A separator starts the file or follows an empty line.
    if (at !== 0 && !/\n\r?\n$/.test(text.slice(Math.max(0, at - 3), at))) continue;
    const sender = m[2]!.split(/\s+/)[0] ?? '';
    starts.push({ at, body: m.index + m[0].length, sender: sender === 'MAILER-DAEMON' ? '' : sender });
  }
  starts.forEach((s, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]!.at : text.length;
    const body = text.slice(s.body, end).replace(/\r?\n$/, '').replace(/^>(>*From )/gm, '$1');
    out.push({ source: `${source}#${i + 1}`, data: Buffer.from(body, 'latin1'), mboxSender: s.sender.includes('@') ? s.sender : undefined });
  });
  return out;
}

const MAIL_EXTENSIONS = new Set(['.eml', '.mbox', '.mbx', '.msg']);

/** Files to ingest: the given files, plus every .eml/.mbox file under the given directories, sorted. */
export async function collectFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && MAIL_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(full);
    }
  };
  for (const p of paths) {
    const s = await stat(p);
    if (s.isDirectory()) await walk(p);
    else out.push(p);
  }
  return out;
}

/** The messages in one file: an mbox (starts with "From ") or a single message. */
export async function readMailFile(path: string): Promise<SavedMessage[]> {
  const data = await readFile(path);
  if (data.subarray(0, 5).toString('latin1') === 'From ') return splitMbox(data, path);
  return [{ source: path, data }];
}
