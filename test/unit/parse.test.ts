import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { decodeWords, parseMessage, DEFAULT_PARSE_LIMITS } from '../../server/mail/parse.js';
import { collapseSpace, OTHER_SPACE } from '../../server/mail/fold.js';
import { searchViewOf } from '../../server/mail/search-view.js';
import libmime from 'libmime';
import { bccOf, snippetOf, viewOf } from '../../server/mail/view.js';
import type { Envelope } from '../../server/mail/types.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const envelope = (rcptTo: string[]): Envelope => ({ mailFrom: 'ann@example.test', rcptTo, remoteAddress: '127.0.0.1', heloName: 'x', authUser: null, secure: false });

test('parses addresses, decoded subject, date, message-id, text, html and parts', async () => {
  const p = await parseMessage(fixture('multipart-alternative-with-attachment.eml'));
  assert.equal(p.parseError, null);
  assert.deepEqual(p.from, { name: 'Ann Example', address: 'ann@example.test' });
  assert.deepEqual(p.to.map((a) => a.address), ['bob@example.test', 'carol@example.test']);
  assert.deepEqual(p.cc.map((a) => a.address), ['dave@example.test']);
  assert.deepEqual(p.replyTo.map((a) => a.address), ['replies@example.test']);
  assert.equal(p.subject, 'Héllo — world');
  assert.equal(p.date, '2026-11-03T09:00:00.000Z');
  assert.equal(p.messageId, '<abc123@example.test>');
  assert.equal(p.text?.trim(), 'Hello text body');
  assert.match(p.html!, /<b>html<\/b>/);
  assert.equal(p.parts.length, 1);
  const part = p.parts[0]!;
  assert.equal(part.filename, 'report.pdf');
  assert.equal(part.contentType, 'application/pdf');
  assert.equal(part.id, '2');
  const bytes = Buffer.from('JVBERi0xLjQKJcfsj6IK', 'base64');
  assert.equal(part.size, bytes.length);
  assert.equal(part.checksum, createHash('sha256').update(bytes).digest('hex'));
  assert.deepEqual(p.headers.slice(0, 2), [
    { name: 'From', value: '"Ann Example" <ann@example.test>' },
    { name: 'To', value: 'Bob <bob@example.test>, carol@example.test' },
  ]);
  assert.equal(p.headers.find((h) => h.name === 'Subject')?.value, 'Héllo — world');
});

test('envelope recipients missing from To/Cc are the Bcc', async () => {
  const p = await parseMessage(fixture('multipart-alternative-with-attachment.eml'));
  const bcc = bccOf(p, envelope(['bob@example.test', 'DAVE@example.test', 'secret@example.test']));
  assert.deepEqual(bcc, [{ name: '', address: 'secret@example.test' }]);
  const view = viewOf(p, envelope(['secret@example.test']));
  assert.deepEqual(view.bcc.map((a) => a.address), ['secret@example.test']);
  assert.equal(view.snippet, 'Hello text body');
  assert.ok(!('content' in view.parts[0]!), 'the stored view drops part contents');
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Paths of the strings in `v` (part contents aside) that are not well-formed Unicode. */
function illFormedStrings(v: unknown, path = '$'): string[] {
  if (typeof v === 'string') return LONE_SURROGATE.test(v) ? [path] : [];
  if (!v || typeof v !== 'object' || Buffer.isBuffer(v)) return [];
  return Object.entries(v).flatMap(([k, x]) => (k === 'content' ? [] : illFormedStrings(x, `${path}.${k}`)));
}

test('the well-formedness check can fail', () => {
  assert.deepEqual(illFormedStrings({ subject: 'ok', headers: [{ value: 'bad \uD800 surrogate' }] }), ['$.headers.0.value']);
});

const malformed = ['malformed-missing-final-boundary.eml', 'malformed-invalid-utf8-headers.eml', 'malformed-no-headers.eml', 'malformed-bad-base64-attachment.eml'];
for (const name of malformed) {
  test(`${name}: parses or reports an error, never throws, and yields valid UTF-8`, async () => {
    const p = await parseMessage(fixture(name));
    // Every string must be well-formed Unicode (no lone surrogates), or it cannot be sent as UTF-8.
    assert.deepEqual(illFormedStrings(p), []);
    assert.ok(p.parseError === null || typeof p.parseError === 'string');
  });
}

test('invalid UTF-8 in headers and body becomes U+FFFD, not an exception', async () => {
  const p = await parseMessage(fixture('malformed-invalid-utf8-headers.eml'));
  assert.equal(p.parseError, null);
  assert.match(p.text!, /\uFFFD/);
  assert.equal(p.from?.address, 'x@example.test');
});

test('raw UTF-8 in any header (RFC 6532) reads as UTF-8 on both parse paths; other 8-bit bytes stay as they are', async () => {
  const raw = Buffer.concat([Buffer.from('From: a@example.test\r\nX-Tags: Entwürfe\r\n', 'utf8'), Buffer.from('X-Old: caf\xe9\r\n\r\nbody\r\n', 'latin1')]);
  for (const fastPath of [true, false]) {
    const headers = (await parseMessage(raw, { fastPath })).headers;
    assert.equal(headers.find((h) => h.name === 'X-Tags')?.value, 'Entwürfe', `fastPath ${fastPath}`);
    assert.equal(headers.find((h) => h.name === 'X-Old')?.value, 'café', `fastPath ${fastPath}`);
  }
});

test('1,500 sibling parts exceed the node limit: parseError, headers still readable', async () => {
  let body = 'From: wide@example.test\r\nSubject: wide\r\nContent-Type: multipart/mixed; boundary=w\r\n\r\n';
  for (let i = 0; i < 1500; i++) body += `--w\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`;
  body += '--w--\r\n';
  const p = await parseMessage(Buffer.from(body));
  assert.match(p.parseError ?? '', /child nodes/i);
  assert.equal(p.subject, 'wide');
  assert.equal(p.from?.address, 'wide@example.test');
});

test('100-deep nesting parses and finds the leaf text', async () => {
  let head = 'From: deep@example.test\r\nSubject: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n';
  let tail = '';
  for (let i = 1; i < 100; i++) {
    head += `--b${i - 1}\r\nContent-Type: multipart/mixed; boundary=b${i}\r\n\r\n`;
    tail = `--b${i - 1}--\r\n` + tail;
  }
  const raw = head + '--b99\r\nContent-Type: text/plain\r\n\r\ndeep leaf\r\n--b99--\r\n' + tail;
  const p = await parseMessage(Buffer.from(raw));
  assert.equal(p.parseError, null);
  assert.match(p.text ?? '', /deep leaf/);
});

test('a header larger than the per-node limit is a parseError, not a crash', async () => {
  const raw = `From: big@example.test\r\nX-Big: ${'a'.repeat(DEFAULT_PARSE_LIMITS.maxHeadSize + 10)}\r\nSubject: big\r\n\r\nbody\r\n`;
  const p = await parseMessage(Buffer.from(raw));
  assert.match(p.parseError ?? '', /header/i);
  assert.equal(p.from?.address, 'big@example.test');
});

test('a parse that exceeds its time budget is abandoned with a timeout parseError', async () => {
  // 900 parts take far longer than 1 ms to parse on any machine.
  let body = 'From: slow@example.test\r\nSubject: slow\r\nContent-Type: multipart/mixed; boundary=w\r\n\r\n';
  for (let i = 0; i < 900; i++) body += `--w\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`;
  body += '--w--\r\n';
  const p = await parseMessage(Buffer.from(body), { limits: { ...DEFAULT_PARSE_LIMITS, timeoutMs: 1 } });
  assert.match(p.parseError ?? '', /longer than 1 ms/);
  assert.equal(p.subject, 'slow');
});

test('snippet collapses whitespace and is bounded', () => {
  assert.equal(snippetOf('  a\n\n b\t c  '), 'a b c');
  assert.equal(snippetOf('x'.repeat(10_000)).length, 200);
  assert.equal(snippetOf(null), '');
});

test('decodeWords skips only values libmime would leave as they are', () => {
  const values = ['plain subject', '', 'a=b?c', '=?UTF-8?Q?caf=C3=A9?=', 'x =?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?= y', 'odd __\u0000JOIN\u0000__ marker', '=?bogus', 'ends with =?'];
  for (const v of values) assert.equal(decodeWords(v), libmime.decodeWords(v), JSON.stringify(v));
  assert.equal(decodeWords('=?UTF-8?Q?caf=C3=A9?='), 'café');
});

test('snippetOf gives what one pass over the first 800 characters gives, whatever the spacing', () => {
  const reference = (text: string) => {
    const head = text.slice(0, 800).replace(/\s+/g, ' ').trim();
    return head.length > 200 ? head.slice(0, 199) + '…' : head;
  };
  const texts = ['short', 'word '.repeat(100), ' \r\n'.repeat(150) + 'late start ' + 'x'.repeat(300), 'a' + ' '.repeat(398) + 'b'.repeat(300), 'w\t\t'.repeat(200), 'x'.repeat(199), 'x'.repeat(201), 'y '.repeat(200) + '\n'.repeat(500) + 'z'.repeat(50)];
  for (const t of texts) assert.equal(snippetOf(t), reference(t), JSON.stringify(t.slice(0, 40)));
});

test('OTHER_SPACE is exactly what /\\s/ matches besides the space, so collapsing matches /\\s+/ -> " "', () => {
  const other = new RegExp(`^[${OTHER_SPACE}]$`);
  for (let c = 0; c <= 0xffff; c++) {
    const ch = String.fromCharCode(c);
    assert.equal(ch !== ' ' && /^\s$/.test(ch), other.test(ch), `U+${c.toString(16).padStart(4, '0')}`);
  }
  const samples = [' a  b\t\tc\u00a0d \u0001e\r\n\r\nf\u2028 g  ', 'one two', '\n', '', 'x \u3000 y\ufeffz'];
  for (const s of samples) assert.equal(collapseSpace(s), s.replace(/\s+/g, ' '), JSON.stringify(s));
  // the search view folds separators and every whitespace run to one space
  const view = searchViewOf({ subject: ' A \u0001 b\r\n\tC ', from: null, to: [], cc: [], bcc: [], replyTo: [], messageId: null, text: 'x\u0000\u0002 y', html: null, headers: [], attachmentNames: [] });
  assert.equal(view.text.slice(0, view.ends[0]), 'a b c');
  assert.ok(view.text.includes('x y'));
});
