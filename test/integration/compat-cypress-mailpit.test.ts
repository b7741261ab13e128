// The real cypress-mailpit command code (2.0.0, and 1.4.0 through an npm alias), driven through
// the cy stand-in against a live Mailroom: every parent and child command (client-packages.md 7.2).

import { before, test } from 'node:test';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import type { Mailroom } from '../../server/start.js';
import { startTestServer } from '../helpers/server.js';
import { token, transportTo } from '../helpers/compat-mail.js';
import { Chain, installShim, run } from '../helpers/cy-shim.js';
import { fileTeardown } from '../helpers/teardown.js';

const require = createRequire(import.meta.url);
let server: Mailroom;

const teardown = fileTeardown();
before(async () => {
  server = teardown.add(await startTestServer(), 'server');
});

for (const version of ['2.0.0', '1.4.0'] as const) test(`cypress-mailpit ${version}: every command`, async () => {
  const tok = token();
  // 2.x reads the URL with Cypress.expose and ships ESM; 1.x reads Cypress.env and ships CommonJS.
  const { requests, cy, Cypress } = installShim({ expose: { MAILPIT_URL: server.url }, env: { MAILPIT_URL: server.url }, config: { defaultCommandTimeout: 4000 } });
  const { MailpitCommands } =
    version === '2.0.0' ? await import('cypress-mailpit/dist/src/MailpitCommands.js') : require('cypress-mailpit-v1/src/MailpitCommands.js');
  const commands = new MailpitCommands();
  const parent = MailpitCommands.parentCypressCommands as string[];
  const child = MailpitCommands.childCypressCommands as string[];
  for (const name of parent) Cypress.Commands.add(name, commands[name].bind(commands));
  for (const name of child) Cypress.Commands.add(name, { prevSubject: true }, commands[name].bind(commands));
  const c = cy as unknown as Record<string, (...args: unknown[]) => Chain>;
  const on = (subject: unknown) => new Chain(subject) as Chain & Record<string, (...args: unknown[]) => Chain>;

  await run(c.mailpitDeleteAllEmails!());
  let all = await run(c.mailpitGetAllMails!());
  assert.equal(all.messages_count, 0);
  assert.equal(all.count, 0);

  const t = transportTo(server);
  await t.sendMail({
    from: 'Welcome Team <team@x.test>',
    to: `u+${tok}@x.test`,
    subject: `Welcome ${tok}`,
    text: `Welcome text ${tok}`,
    html: `<p>Welcome html ${tok}</p>`,
    attachments: [{ filename: 'report.pdf', content: Buffer.from('%PDF-1.4 fake'), contentType: 'application/pdf' }],
  });
  await t.sendMail({ from: 'o@x.test', to: `o+${tok}@x.test`, subject: `Other ${tok}`, text: 'other' });
  t.close();

  const found = await run(c.mailpitHasEmailsBySubject!('Welcome', 0, 50, { timeout: 5000, interval: 200 }));
  assert.ok(found.messages_count > 0);
  await run(c.mailpitHasEmailsByTo!(`u+${tok}@x.test`, 0, 50, { timeout: 2000, interval: 200 }));
  await run(c.mailpitHasEmailsBySearch!(`Welcome ${tok}`, 0, 50, { timeout: 2000, interval: 200 }));
  const byTo = await run(c.mailpitGetEmailsByTo!(`u+${tok}@x.test`));
  assert.equal(byTo.messages_count, 1);
  const bySubject = await run(c.mailpitGetEmailsBySubject!(`Other`));
  assert.equal(bySubject.messages_count, 1);
  assert.equal((await run(c.mailpitSearchEmails!(`Other ${tok}`))).messages[0].Subject, `Other ${tok}`);

  const latest = await run(c.mailpitGetMail!());
  assert.equal(await run(on(latest).mailpitGetSubject!()), `Other ${tok}`);
  const m = await run(c.mailpitGetMail!(byTo.messages[0].ID));
  assert.deepEqual(await run(on(m).mailpitGetRecipientAddress!()), [`u+${tok}@x.test`]);
  assert.equal(await run(on(m).mailpitGetFromAddress!()), 'team@x.test');
  assert.deepEqual(await run(on(m).mailpitGetAttachments!()), ['report.pdf']);
  assert.match(await run(on(m).mailpitGetMailTextBody!()), new RegExp(`Welcome text ${tok}`));
  assert.match(await run(on(m).mailpitGetMailHTMlBody!()), new RegExp(`<p>Welcome html ${tok}</p>`));
  // The plugin asks for //view/<id>.html and .txt: served directly, no redirect.
  const views = requests.filter((r) => r.url.includes('//view/'));
  assert.equal(views.length, 2);
  assert.ok(views.every((r) => r.status === 200));

  const sent = await run(
    c.mailpitSendMail!({ subject: `API ${tok}`, to: [{ Email: 'z@x.test', Name: 'Z' }], attachments: [{ Content: Buffer.from('a').toString('base64'), FileName: 'a.txt' }] }),
  );
  assert.ok(sent.ID);
  const viaApi = await run(c.mailpitGetMail!(sent.ID));
  assert.equal(viaApi.Attachments[0].FileName, 'a.txt'); // FileName matched case-insensitively
  assert.equal(viaApi.From.Address, 'from@example.com'); // the plugin's defaults
  assert.ok(viaApi.Bcc.some((a: { Address: string }) => a.Address === 'bcc@example.com'));
  await run(c.mailpitSendMail!()); // every default field

  await run(c.mailpitSetAllEmailStatusAsUnRead!());
  assert.equal(await run(on(m).mailpitSetStatusAsRead!()), 'ok');
  all = await run(c.mailpitGetAllMails!());
  assert.equal(all.messages.find((x: { ID: string }) => x.ID === m.ID).Read, true);
  assert.equal(await run(on([m, latest]).mailpitSetStatusAsUnRead!()), 'ok');
  all = await run(c.mailpitGetAllMails!(0, 10));
  assert.equal(all.unread, all.total);
  await run(c.mailpitSetAllEmailStatusAsRead!());
  assert.equal((await run(c.mailpitGetAllMails!())).unread, 0);
  await run(c.mailpitSetAllEmailStatusAsUnRead!());
  all = await run(c.mailpitGetAllMails!());
  assert.equal(all.unread, all.total);

  // SpamAssassin is not part of Mailroom: Mailpit without it answers 404, and so the command fails.
  await assert.rejects(run(on(m).mailpitGetMailSpamAssassinSummary!()), /404/);
  await assert.rejects(run(on(m).mailpitGetMailSpamAssainSummary!()), /404/);

  await run(c.mailpitNotHasEmailsBySubject!(`nope-${tok}`, 0, 50, { timeout: 1000, interval: 200 }));
  await run(c.mailpitNotHasEmailsByTo!(`nobody-${tok}@x.test`, 0, 50, { timeout: 1000, interval: 200 }));
  await run(c.mailpitNotHasEmailsBySearch!(`nothing-${tok}`, 0, 50, { timeout: 1000, interval: 200 }));
  await run(c.mailpitDeleteEmailsBySearch!(`subject:Welcome`));
  await run(c.mailpitNotHasEmailsBySubject!('Welcome', 0, 50, { timeout: 2000, interval: 200 }));
  await assert.rejects(run(c.mailpitHasEmailsBySubject!('never', 0, 50, { timeout: 600, interval: 200 })), /Timed out/);
  await run(c.mailpitDeleteAllEmails!());
  assert.equal((await run(c.mailpitGetAllMails!())).total, 0);
});
