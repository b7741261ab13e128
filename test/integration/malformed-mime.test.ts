// Malformed MIME fixtures (test/fixtures/mime-*.eml and malformed-*.eml, each named for what it
// breaks) over real SMTP: every one gets 250, is stored byte for byte, parses or carries
// parseError, and every read route (detail, raw, headers, text, html, each part) answers 200.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { startTestServer } from '../helpers/server.js';
import { sendBulk } from '../helpers/bulk-smtp.js';
import { assertEveryRouteServes } from '../helpers/routes.js';
import { assertHealthy } from '../helpers/invariants.js';
import type { Mailroom } from '../../server/start.js';
import { fileTeardown } from '../helpers/teardown.js';

const dir = new URL('../fixtures/', import.meta.url);
const fixtures = readdirSync(dir).filter((f) => /^(mime|malformed)-.*\.eml$/.test(f)).sort();

let s: Mailroom;
const teardown = fileTeardown();
before(async () => {
  s = teardown.add(await startTestServer(), 's');
});

/** What the server stores: the file, with a final CRLF if it lacks one (SMTP needs it before the dot). */
const stored = (file: Buffer) => (file.subarray(-2).equals(Buffer.from('\r\n')) ? file : Buffer.concat([file, Buffer.from('\r\n')]));

test('there are malformed fixtures to run', () => {
  assert.ok(fixtures.length >= 20, `${fixtures.length} fixtures`);
});

for (const name of fixtures) {
  test(`fixture ${name}: 250, stored exactly, every route answers`, async () => {
    const expected = stored(readFileSync(new URL(name, dir)));
    const [reply] = await sendBulk(s.smtpPort, [{ from: 'a@example.test', to: ['b@example.test'], data: expected }], 1, 1);
    assert.equal(reply!.code, 250, reply!.text);
    const id = /queued as (\S+)/.exec(reply!.text)![1]!;
    const d = await assertEveryRouteServes(s.url, id, expected);
    assert.ok(d.parseError === null || d.parseError.length > 0);
    // The list and the feed shape carry it too.
    const listed = (await (await fetch(`${s.url}/api/messages?limit=1`)).json()) as { messages: Array<{ id: string }> };
    assert.equal(listed.messages[0]!.id, id);
  });
}

test('after every fixture the server is unharmed', async () => {
  await assertHealthy(s, fixtures.length);
});
