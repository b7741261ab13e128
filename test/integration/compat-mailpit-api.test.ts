// The real `mailpit-api` client (2.x, and 1.x through an npm alias) against a live Mailroom:
// every client method, after sending mail with nodemailer (client-packages.md section 7.1).

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MailpitClient } from 'mailpit-api';
import { MailpitClient as MailpitClientV1 } from 'mailpit-api-v1';
import type { Mailroom } from '../../server/start.js';
import { startTestServer } from '../helpers/server.js';
import { PNG_1X1, token, transportTo } from '../helpers/compat-mail.js';
import { fileTeardown } from '../helpers/teardown.js';

let server: Mailroom;
let upstream: Mailroom; // the relay's upstream, for release
let mp: MailpitClient;
const tok = token();

const teardown = fileTeardown();
before(async () => {
  upstream = teardown.add(await startTestServer(), 'upstream');
  server = teardown.add(await startTestServer({ outboundAllowPrivate: true, relayHost: '127.0.0.1', relayPort: upstream.smtpPort, relaySecurity: 'none', relayAllowedRecipients: /@x\.test$/i }), 'server');
  mp = new MailpitClient(server.url + '/'); // a trailing slash is how users often configure it
});

async function sendFixtures(): Promise<void> {
  const t = transportTo(server);
  await t.sendMail({
    from: 'Sender <s@x.test>',
    to: `a-${tok}@x.test`,
    subject: `T1 ${tok}`,
    text: `first body ${tok}`,
    envelope: { from: 's@x.test', to: [`a-${tok}@x.test`, `hidden-${tok}@x.test`] },
  });
  await t.sendMail({
    from: 'Sender <s@x.test>',
    to: `b-${tok}@x.test`,
    cc: `Carbon <c-${tok}@x.test>`,
    replyTo: `r-${tok}@x.test`,
    subject: `T2 ${tok}`,
    text: `second body unique-${tok}`,
    html: `<p>second body unique-${tok}</p>`,
    headers: { 'List-Unsubscribe': '<mailto:u@x.test>, <https://x.test/u>' },
  });
  await t.sendMail({
    from: 'Sender <s@x.test>',
    to: `d-${tok}@x.test`,
    subject: `T3 ${tok}`,
    text: 'third text',
    html: '<p>third <img src="cid:logo"></p>',
    attachments: [
      { filename: 'hello.txt', content: 'hello world', contentType: 'text/plain' },
      { filename: 'logo.png', content: PNG_1X1, cid: 'logo' },
    ],
  });
  t.close();
}

test('mailpit-api 2.x: every method against a live server', async (t) => {
  assert.equal(await mp.deleteMessages(), 'ok');
  const empty = await mp.listMessages();
  for (const key of ['messages', 'messages_count', 'messages_unread', 'start', 'tags', 'total', 'unread', 'count']) assert.ok(key in empty, key);
  assert.equal(empty.total, 0);
  assert.deepEqual(empty.messages, []);

  await sendFixtures();

  await t.test('waitForMessage returns the full message', async () => {
    const full = await mp.waitForMessage({ query: `subject:"T3 ${tok}"` }, { timeout: 5000, interval: 100 });
    assert.equal(full.Subject, `T3 ${tok}`);
    assert.equal(full.From.Address, 's@x.test');
    assert.equal(full.To[0]!.Address, `d-${tok}@x.test`);
    assert.match(full.Text, /third text/);
    assert.match(full.HTML, /<p>third/);
    const att = full.Attachments[0]!;
    assert.equal(att.FileName, 'hello.txt');
    assert.match(att.ContentType, /^text\/plain/);
    assert.equal(typeof att.PartID, 'string');
    assert.equal(att.Size, 11);
    assert.match(att.Checksums.MD5, /^[0-9a-f]{32}$/);
    assert.match(att.Checksums.SHA1, /^[0-9a-f]{40}$/);
    assert.match(att.Checksums.SHA256, /^[0-9a-f]{64}$/);
    assert.equal(full.Inline[0]!.ContentID, 'logo');
    assert.ok(!Number.isNaN(Date.parse(full.Date)));
    assert.doesNotMatch(full.MessageID, /[<>]/);
    assert.equal(full.ReturnPath, 's@x.test');
    assert.deepEqual(full.Tags, []);
    assert.equal(full.Username, '');
  });

  const page = await mp.listMessages(0, 2);
  const [id3, id2] = page.messages.map((m) => m.ID) as [string, string];
  const id1 = (await mp.listMessages(2, 2)).messages[0]!.ID;

  await t.test('list pages newest first with Mailpit counts', async () => {
    const all = await mp.waitForMessages({ count: 3, exact: true }, { timeout: 5000, interval: 100 });
    assert.equal(all.messages_count, 3);
    assert.equal(page.count, 2);
    assert.equal(page.messages_count, 3);
    assert.deepEqual(page.messages.map((m) => m.Subject), [`T3 ${tok}`, `T2 ${tok}`]);
    for (const item of page.messages) {
      for (const key of ['Attachments', 'Bcc', 'Cc', 'Created', 'From', 'ID', 'MessageID', 'ReplyTo', 'Size', 'Snippet', 'Subject', 'Tags', 'To', 'Read']) assert.ok(key in item, key);
      assert.equal(typeof item.Attachments, 'number');
    }
    assert.equal(page.messages[0]!.Attachments, 1); // hello.txt; the cid image is inline
    const page2 = await mp.listMessages(2, 2);
    assert.equal(page2.count, 1);
    assert.equal(page2.start, 2);
  });

  await t.test('message details: list-unsubscribe, bcc, cc, reply-to', async () => {
    const m2 = await mp.getMessageSummary(id2);
    assert.equal(m2.ListUnsubscribe.Header, '<mailto:u@x.test>, <https://x.test/u>');
    assert.deepEqual(m2.ListUnsubscribe.Links, ['mailto:u@x.test', 'https://x.test/u']);
    assert.equal(m2.Cc[0]!.Name, 'Carbon');
    assert.equal(m2.ReplyTo[0]!.Address, `r-${tok}@x.test`);
    const m1 = await mp.getMessageSummary(id1);
    assert.ok(m1.Bcc.some((a) => a.Address === `hidden-${tok}@x.test`));
  });

  await t.test('reading a message marks it read', async () => {
    await mp.setReadStatus(); // {} marks everything unread
    const before = await mp.listMessages();
    assert.equal(before.unread, 3);
    await mp.getMessageSummary(id3);
    const after = await mp.listMessages();
    assert.equal(after.unread, 2);
    assert.equal(after.messages.find((m) => m.ID === id3)!.Read, true);
  });

  await t.test('search: fields, negation, phrases, + as space, match counts', async () => {
    await mp.setReadStatus();
    const count = async (query: string) => (await mp.searchMessages({ query })).messages_count;
    assert.equal(await count(`to:a-${tok}`), 1);
    assert.equal(await count('from:s@x.test'), 3);
    assert.equal(await count(`subject:T2 ${tok}`), 1);
    assert.equal(await count(`unique-${tok}`), 1);
    assert.equal(await count(`-subject:T1 ${tok}`), 2);
    assert.equal(await count(`is:unread ${tok}`), 3);
    assert.equal(await count(`has:attachment ${tok}`), 1);
    assert.equal(await count(`"second body unique-${tok}"`), 1); // sent as query=%22second+body...
    const r = await mp.searchMessages({ query: `subject:"T1 ${tok}"`, start: 0, limit: 10 });
    assert.equal(r.messages_count, 1);
    assert.equal(r.messages_unread, 1);
    assert.equal(r.total, 3);
    assert.equal(r.count, 1);
  });

  await t.test('headers, source, attachment, views', async () => {
    const headers = await mp.getMessageHeaders(id3);
    for (const key of ['Message-Id', 'Mime-Version', 'Return-Path', 'Subject']) assert.ok(Array.isArray(headers[key]), key);
    assert.deepEqual(Object.keys(headers), Object.keys(headers).sort());
    assert.match(await mp.getMessageSource(id3), new RegExp(`Subject: T3 ${tok}`));
    const full = await mp.getMessageSummary(id3);
    const blob = await mp.getMessageAttachment(id3, full.Attachments[0]!.PartID);
    assert.match(blob.type, /^text\/plain/);
    assert.equal(await blob.text(), 'hello world');
    const thumb = await mp.getAttachmentThumbnail(id3, full.Inline[0]!.PartID);
    assert.equal(thumb.type, 'image/jpeg');
    const jpeg = Buffer.from(await thumb.arrayBuffer());
    assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8]);
    assert.match(await mp.renderMessageHTML(id3), /<p>third/);
    assert.match(await mp.renderMessageHTML(), /<p>third/); // latest
    assert.match(await mp.renderMessageHTML(id3, 1), /<p>third/);
    assert.match(await mp.renderMessageText(id2), new RegExp(`second body unique-${tok}`));
    await assert.rejects(mp.renderMessageHTML(id1), /404/); // text-only message
  });

  await t.test('read status by ids, all read, all unread', async () => {
    await mp.setReadStatus(); // the views above marked messages read
    assert.equal(await mp.setReadStatus({ IDs: [id1], Read: true }), 'ok');
    assert.equal((await mp.listMessages()).unread, 2);
    assert.equal(await mp.setReadStatus({ Read: true }), 'ok');
    assert.equal((await mp.listMessages()).unread, 0);
    assert.equal(await mp.setReadStatus({ Search: `subject:T2 ${tok}`, Read: false }), 'ok');
    assert.equal((await mp.listMessages()).unread, 1);
    assert.equal(await mp.setReadStatus(), 'ok');
    assert.equal((await mp.listMessages()).unread, 3);
  });

  await t.test('tags: set, search, rename (with a slash), delete', async () => {
    assert.equal(await mp.setTags({ IDs: [id1], Tags: ['t1'] }), 'ok');
    assert.deepEqual(await mp.getTags(), ['t1']);
    assert.equal((await mp.searchMessages({ query: 'tag:t1' })).messages_count, 1);
    assert.deepEqual((await mp.listMessages()).tags, ['t1']);
    assert.equal(await mp.renameTag('t1', 't 2'), 'ok');
    assert.deepEqual(await mp.getTags(), ['t 2']);
    assert.deepEqual((await mp.getMessageSummary(id1)).Tags, ['t 2']);
    await assert.rejects(mp.renameTag('a/b', 'c'), /400.*tag not found: a\/b/);
    assert.equal(await mp.deleteTag('t 2'), 'ok');
    assert.deepEqual(await mp.getTags(), []);
  });

  await t.test('send: a composed message stored like an SMTP one', async () => {
    const sent = await mp.sendMessage({
      From: { Email: 'api@x.test', Name: 'API' },
      To: [{ Email: `sent-${tok}@x.test`, Name: 'To' }],
      Bcc: [`bcc-${tok}@x.test`],
      Subject: `Sent ${tok}`,
      Text: 'sent text',
      HTML: '<b>sent html</b>',
      Tags: ['from-api'],
      Headers: { 'X-Custom': 'yes' },
      Attachments: [{ Content: Buffer.from('attached').toString('base64'), Filename: 'a.txt' }],
    });
    assert.match(sent.ID, /^[A-Za-z0-9_-]+$/);
    const m = await mp.getMessageSummary(sent.ID);
    assert.equal(m.Subject, `Sent ${tok}`);
    assert.equal(m.From.Name, 'API');
    assert.equal(m.Text.trim(), 'sent text');
    assert.equal(m.Attachments[0]!.FileName, 'a.txt');
    assert.deepEqual(m.Tags, ['from-api']);
    assert.ok(m.Bcc.some((a) => a.Address === `bcc-${tok}@x.test`));
    assert.deepEqual((await mp.getMessageHeaders(sent.ID))['X-Custom'], ['yes']);
    await assert.rejects(mp.sendMessage({ From: { Email: 'not an address' }, To: [] }), /400/);
  });

  await t.test('info and configuration', async () => {
    const info = await mp.getInfo();
    assert.equal(info.Messages, 4);
    assert.equal(typeof info.Version, 'string');
    assert.equal(info.RuntimeStats.SMTPAccepted, 3);
    assert.ok(info.RuntimeStats.SMTPAcceptedSize > 0);
    assert.deepEqual(info.Tags, { 'from-api': 1 });
    const config = await mp.getConfiguration();
    assert.equal(config.SpamAssassin, false);
    assert.equal(config.ChaosEnabled, true);
    assert.equal(config.MessageRelay.Enabled, true);
    assert.equal(config.MessageRelay.SMTPServer, `127.0.0.1:${upstream.smtpPort}`);
  });

  await t.test('release goes through the configured relay', async () => {
    assert.equal(await mp.releaseMessage(id3, { To: [`rel-${tok}@x.test`] }), 'ok');
    const released = upstream.store.list({ limit: 5 }).messages;
    assert.equal(released.length, 1);
    assert.equal(released[0]!.view.subject, `T3 ${tok}`);
    assert.deepEqual(released[0]!.envelope.rcptTo, [`rel-${tok}@x.test`]);
    await assert.rejects(mp.releaseMessage(id3, { To: ['someone@elsewhere.test'] }), /400.*Failed/);
    await assert.rejects(mp.releaseMessage(id3, { To: ['not-an-address'] }), /400.*Invalid email address/);
  });

  await t.test('features Mailroom does not have answer as Mailpit does when off', async () => {
    await assert.rejects(mp.spamAssassinCheck(id3), /404/);
    await assert.rejects(mp.htmlCheck(id3), /400/);
    await assert.rejects(mp.linkCheck(id3), /400/);
  });

  await t.test('errors: unknown id 404, empty search 400', async () => {
    await assert.rejects(mp.getMessageSummary('doesnotexist'), /404/);
    await assert.rejects(mp.searchMessages({ query: '' }), /400/);
  });

  await t.test('deletes: by search, by ids, everything', async () => {
    assert.equal(await mp.deleteMessagesBySearch({ query: `subject:"T1 ${tok}"` }), 'ok');
    assert.equal((await mp.listMessages()).total, 3);
    assert.equal(await mp.deleteMessages({ IDs: [id2] }), 'ok');
    assert.equal((await mp.listMessages()).total, 2);
    assert.equal(await mp.deleteMessages(), 'ok');
    assert.equal((await mp.listMessages()).total, 0);
    await assert.rejects(mp.getMessageSummary(), /404/); // latest of an empty mailbox
  });

  await t.test('chaos triggers are failure-injection rules: they really fail SMTP', async () => {
    const defaults = await mp.getChaosTriggers();
    assert.deepEqual(defaults, { Sender: { ErrorCode: 451, Probability: 0 }, Recipient: { ErrorCode: 451, Probability: 0 }, Authentication: { ErrorCode: 535, Probability: 0 } });
    const set = await mp.setChaosTriggers({ Recipient: { ErrorCode: 452, Probability: 100 } });
    assert.deepEqual(set.Recipient, { ErrorCode: 452, Probability: 100 });
    assert.deepEqual(await mp.getChaosTriggers(), set);
    const t2 = transportTo(server);
    await assert.rejects(t2.sendMail({ from: 's@x.test', to: `chaos-${tok}@x.test`, subject: 'chaos', text: 'x' }), /452/);
    assert.deepEqual(await mp.setChaosTriggers(), defaults); // {} resets every trigger
    await t2.sendMail({ from: 's@x.test', to: `chaos-${tok}@x.test`, subject: 'chaos', text: 'x' });
    t2.close();
    assert.equal((await mp.listMessages()).total, 1);
    await assert.rejects(mp.setChaosTriggers({ Sender: { ErrorCode: 451, Probability: 101 } }), /400.*Probability/);
  });
});

test('mailpit-api 1.x (axios): core methods and waitForEvent over /api/events', async () => {
  const v1 = new MailpitClientV1(server.url);
  try {
    assert.equal(await v1.deleteMessages(), 'ok');
    const event = v1.waitForEvent('new', 5000);
    const sent = await v1.sendMessage({ From: { Email: 'v1@x.test' }, To: [{ Email: `v1-${tok}@x.test` }], Subject: `V1 ${tok}`, Text: 'v1 text' });
    const frame = (await event) as { Type: string; Data: { ID: string; Subject: string; To: unknown[] } };
    assert.equal(frame.Type, 'new');
    assert.equal(frame.Data.ID, sent.ID);
    assert.equal(frame.Data.Subject, `V1 ${tok}`);
    const list = await v1.listMessages();
    assert.equal(list.messages_count, 1);
    const m = await v1.getMessageSummary();
    assert.equal(m.To[0]!.Address, `v1-${tok}@x.test`);
    assert.match(String(await v1.getMessageSource(sent.ID)), /Subject: V1/);
    assert.equal(await v1.setReadStatus({ Read: false }), 'ok');
    assert.equal((await v1.searchMessages({ query: `V1 ${tok}` })).messages_count, 1);
    const part = await v1.sendMessage({ From: { Email: 'v1@x.test' }, To: [{ Email: 'p@x.test' }], Subject: 'part', Attachments: [{ Content: Buffer.from('pdf-ish').toString('base64'), Filename: 'r.pdf' }] });
    const full = await v1.getMessageSummary(part.ID);
    const attachment = await v1.getMessageAttachment(part.ID, full.Attachments[0]!.PartID);
    assert.match(String(attachment.contentType), /^application\/pdf/);
    assert.equal(Buffer.from(attachment.data as ArrayBuffer).toString(), 'pdf-ish');
    const deleted = v1.waitForEvent('truncate', 5000);
    assert.equal(await v1.deleteMessages(), 'ok');
    assert.equal(((await deleted) as { Data: unknown }).Data, null);
  } finally {
    v1.disconnect();
  }
});
