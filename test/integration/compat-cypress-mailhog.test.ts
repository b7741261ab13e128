// The real cypress-mailhog command code (2.5.0, and 1.7.0 through an npm alias), driven through
// the cy stand-in against a live Mailroom, with the base URL given with and without a trailing
// slash (1.7.0 then asks for //api/...): every command (client-packages.md section 7.4).

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
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

type Cy = Record<string, (...args: unknown[]) => Chain & Record<string, (...args: unknown[]) => Chain>>;

const on = (subject: unknown) => new Chain(subject) as Chain & Record<string, (...args: unknown[]) => Chain>;

async function exercise(c: Cy, version: 1 | 2, requests: { url: string; status: number }[]): Promise<void> {
  const tok = token();
  await run(c.mhDeleteAll!());
  const t = transportTo(server);
  await t.sendMail({
    from: 'Sender <s@x.test>',
    to: `a-${tok}@x.test`,
    cc: `c-${tok}@x.test`,
    bcc: `b-${tok}@x.test`,
    envelope: { from: `s-${tok}@x.test`, to: [`a-${tok}@x.test`, `c-${tok}@x.test`, `b-${tok}@x.test`] },
    subject: `Hello ${tok}`,
    text: `hello text ${tok}`,
    html: `<p>hello html ${tok}</p>`,
    attachments: [{ filename: 'sample.pdf', content: Buffer.from('%PDF-1.4 sample'), contentType: 'application/pdf' }],
  });
  await t.sendMail({ from: 'Sender <s@x.test>', envelope: { from: `s-${tok}@x.test`, to: [`z-${tok}@x.test`] }, to: `z-${tok}@x.test`, subject: `Bye ${tok}`, text: 'bye' });

  const mails = await run(c.mhGetAllMails!());
  assert.equal(mails.length, 2);
  assert.equal(mails[0].Content.Headers.Subject[0], `Bye ${tok}`);
  assert.equal(await run((c.mhGetAllMails!().mhFirst!() as ReturnType<typeof on>).mhGetSubject!()), `Bye ${tok}`);
  assert.equal((await run(c.mhGetMailsBySubject!(`Hello ${tok}`))).length, 1);
  assert.equal((await run(c.mhGetMailsByRecipient!(`b-${tok}@x.test`))).length, 1); // envelope Bcc
  assert.equal((await run(c.mhGetMailsBySender!(`s-${tok}@x.test`))).length, 2); // Raw.From, exact

  const m1 = (await run(c.mhGetMailsBySubject!(`Hello ${tok}`)))[0];
  const body = await run(on(m1).mhGetBody!());
  assert.match(body, /--/);
  assert.match(body, new RegExp(`hello text ${tok}`));
  assert.equal(await run(on(m1).mhGetSender!()), `s-${tok}@x.test`);
  assert.deepEqual(await run(on(m1).mhGetRecipients!()), [`a-${tok}@x.test`, `c-${tok}@x.test`, `b-${tok}@x.test`]);

  await run(c.mhHasMailWithSubject!(`Hello ${tok}`));
  await run(c.mhHasMailFrom!(`s-${tok}@x.test`));
  await run(c.mhHasMailTo!(`z-${tok}@x.test`));
  await assert.rejects(run(c.mhHasMailTo!(`nobody-${tok}@x.test`, 50, { timeout: 300 })), /expected \[\] to not\.have\.length/); // cypress-mailhog's own should('not.have.length', 0)

  assert.equal(await run(c.mhGetJimMode!()), false);
  await run(c.mhSetJimMode!(true)); // Jim's rules join failure injection (no mail is sent while on)
  assert.equal(await run(c.mhGetJimMode!()), true);
  await run(c.mhSetJimMode!(false));
  assert.equal(await run(c.mhGetJimMode!()), false);

  if (version === 2) {
    assert.deepEqual(await run(on(m1).mhGetAttachments!()), ['sample.pdf']);
    assert.equal((await run(c.mhSearchMails!('containing', `Hello ${tok}`))).length, 1);
    assert.equal((await run(c.mhSearchMails!('to', `z-${tok}@x.test`))).length, 1);
    assert.equal((await run(c.mhSearchMails!('from', `s-${tok}@x.test`))).length, 2);
    assert.equal((await run(c.mhGetAllMails!().mhFilterBySubject!(`Bye ${tok}`))).length, 1);
    assert.equal((await run(c.mhGetAllMails!().mhFilterByRecipient!(`a-${tok}@x.test`))).length, 1);
    assert.equal((await run(c.mhGetAllMails!().mhFilterBySender!(`s-${tok}@x.test`))).length, 2);
    await run(c.mhWaitForMails!(1));

    // Retry: the list is fetched again until `.should` holds, while a third mail arrives.
    const waiting = c.mhGetAllMails!(50, { timeout: 3000 }).should('have.length', 3);
    setTimeout(() => void t.sendMail({ from: 's@x.test', to: `late-${tok}@x.test`, subject: `Late ${tok}`, text: 'late' }), 300); // the point: mail that arrives while the command retries
    assert.equal((await run(waiting)).length, 3);
  }
  t.close();
  await run(c.mhDeleteAll!());
  assert.equal((await run(c.mhGetAllMails!())).length, 0);
  assert.ok(requests.every((r) => r.status < 500), 'no request failed on the server');
}

for (const version of [2, 1] as const) {
  test(`cypress-mailhog ${version === 2 ? '2.5.0' : '1.7.0'}: every command, base URL with and without a trailing slash`, async () => {
    const shim = installShim({ env: { mailHogUrl: server.url }, config: { defaultCommandTimeout: 1500 } });
    require(version === 2 ? 'cypress-mailhog' : 'cypress-mailhog-v1');
    for (const base of [server.url, server.url + '/']) {
      shim.settings.env.mailHogUrl = base;
      await exercise(shim.cy, version, shim.requests);
    }
    if (version === 1) assert.ok(shim.requests.some((r) => r.url.includes('//api/v1/messages') && r.status === 200), '1.7.0 with a trailing slash deletes through //api');
  });
}
