// Attachment names are sender-controlled: "../" paths, absolute paths, NUL, CR/LF (also smuggled
// in through RFC 2231 continuations) and the RIGHT-TO-LEFT OVERRIDE that makes "evil\u202Etxt.exe"
// look like "evilexe.txt". Every download route, native and MailHog's, answers with a safe name
// in a well-formed Content-Disposition (RFC 6266), and a type the browser will not run.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Mailroom } from '../../server/start.js';
import { startTestServer } from '../helpers/server.js';
import { getJson } from '../helpers/api.js';
import { sendRaw } from '../helpers/smtp-client.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();
let server: Mailroom;
let id: string;

const HOSTILE: Array<[string, string]> = [
  ['traversal', 'Content-Disposition: attachment; filename="../../etc/passwd"'],
  ['absolute', 'Content-Disposition: attachment; filename="/abs/evil.sh"'],
  ['rtl', `Content-Disposition: attachment; filename*=UTF-8''evil%E2%80%AEtxt.exe`],
  ['crlf-2231', `Content-Disposition: attachment; filename*0*=UTF-8''evil%0D%0AX-Injected:%20yes; filename*1="x.txt"`],
  ['nul', `Content-Disposition: attachment; filename*=UTF-8''a%00b.txt`],
  ['html', 'Content-Type: text/html; name="page.html"\r\nContent-Disposition: attachment; filename="page.html"'],
];

before(async () => {
  server = teardown.add(await startTestServer(), 'mailroom');
  const b = 'hostile-boundary';
  const parts = HOSTILE.map(([, headers]) => [`--${b}`, headers.startsWith('Content-Type') ? headers : `Content-Type: application/octet-stream\r\n${headers}`, '', '<script>alert(1)</script>'].join('\r\n'));
  const raw = ['From: a@example.test', 'To: b@example.test', 'Subject: hostile names', 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${b}"`, '', `--${b}`, 'Content-Type: text/plain', '', 'see attachments', ...parts, `--${b}--`, ''].join('\r\n');
  await sendRaw(server.smtpPort, 'a@example.test', ['b@example.test'], raw);
  id = server.store.list({ limit: 1 }).messages[0]!.id;
});

/** Checks one Content-Disposition: one line, attachment, a bare file name with nothing dangerous in either form. */
function assertSafe(disposition: string | null, where: string): string {
  assert.ok(disposition, `${where}: has a Content-Disposition`);
  assert.match(disposition, /^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9!#$&+.^_`|~%-]*$/, `${where}: RFC 6266 form: ${disposition}`);
  const ascii = /filename="([^"]*)"/.exec(disposition)![1]!;
  const decoded = decodeURIComponent(/filename\*=UTF-8''(.*)$/.exec(disposition)![1]!);
  for (const name of [ascii, decoded]) {
    assert.ok(!/[/\\]/.test(name), `${where}: no path in ${JSON.stringify(name)}`);
    // eslint-disable-next-line no-control-regex
    assert.ok(!/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(name), `${where}: no control or bidi characters in ${JSON.stringify(name)}`);
    assert.ok(!name.startsWith('.'), `${where}: not hidden or relative: ${JSON.stringify(name)}`);
  }
  return decoded;
}

test('native part downloads: safe names, octet-stream, sandboxed', async () => {
  const detail = (await getJson<{ parts: Array<{ id: string; filename: string | null }> }>(`${server.url}/api/messages/${id}`)).body;
  assert.equal(detail.parts.length, HOSTILE.length);
  const names: string[] = [];
  for (const p of detail.parts) {
    const res = await fetch(`${server.url}/api/messages/${id}/parts/${p.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.match(res.headers.get('content-security-policy') ?? '', /^sandbox/);
    names.push(assertSafe(res.headers.get('content-disposition'), `native part ${p.id}`));
  }
  assert.ok(names.includes('passwd') && names.includes('evil.sh'), names.join(', '));
  assert.ok(names.includes('eviltxt.exe'), `the override is removed, so the real extension shows: ${names.join(', ')}`);
});

test("MailHog's part download no longer passes the sender's Content-Disposition through", async () => {
  for (let n = 1; n <= HOSTILE.length; n++) {
    const res = await fetch(`${server.url}/api/v1/messages/${id}/mime/part/${n}/download`);
    assert.equal(res.status, 200, `part ${n}`);
    assert.ok(!/text\/html/.test(res.headers.get('content-type') ?? ''), `part ${n}: not served as HTML`);
    assert.equal(res.headers.get('x-injected'), null, 'no header injected through a CRLF name');
    assertSafe(res.headers.get('content-disposition'), `MailHog part ${n} (${HOSTILE[n - 1]![0]})`);
  }
});
