// A calendar invitation, sent as nodemailer's icalEvent sends it, shows as a card: title, start
// and end in the viewer's time zone, place, organiser, attendees with their answers, the .ics.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { screenshot, startUi, type UiEnv } from '../helpers/browser.js';
import { fileTeardown } from '../helpers/teardown.js';
import { list } from '../helpers/api.js';

describe('web inbox: calendar invitations', () => {
  const teardown = fileTeardown();
  let ui: UiEnv;
  let id: string;
  before(async () => {
    ui = teardown.add(await startUi(), 'ui');
    const ics = readFileSync(new URL('../fixtures/calendar/google-request.ics', import.meta.url), 'utf8');
    await ui.send({ from: 'Anna Schmidt <anna@example.test>', to: 'jurgen@example.test', subject: 'Invitation: Release planning', text: 'You are invited.', icalEvent: { method: 'REQUEST', content: ics } });
    id = (await list(ui.server.url)).messages[0]!.id;
  });

  for (const width of [1280, 375]) {
    it(`shows a card with the time in the viewer's zone, the people and their answers (${width} px)`, async () => {
      const context = await ui.browser.newContext({ viewport: { width, height: 800 }, timezoneId: 'America/New_York', locale: 'en-US' });
      const { page } = await ui.openInbox({ context, path: `/messages/${id}` });
      const card = page.getByTestId('calendar-card');
      await card.waitFor();
      assert.equal(await card.getByRole('heading').innerText(), 'Release planning');
      assert.match(await card.locator('.kind').innerText(), /invitation/i);
      // 14:00-15:00 in Berlin is 8:00-9:00 in New York
      assert.equal(await card.locator('[data-field="when"]').innerText(), 'Tuesday, December 15, 2026 at 8:00 AM – 9:00 AM (America/New_York)');
      assert.equal(await card.locator('[data-field="where"]').innerText(), 'Room 4.12, Berlin office');
      assert.equal(await card.locator('[data-field="organizer"]').innerText(), 'Anna Schmidt <anna@example.test>');
      assert.deepEqual(await card.getByTestId('attendees').locator('li').allInnerTexts(), ['Anna Schmidt <anna@example.test> accepted', 'jurgen@example.test no answer yet']);
      const download = card.getByRole('link', { name: 'Download .ics' });
      const href = await download.getAttribute('href');
      const res = await fetch(ui.server.url + href);
      assert.match(await res.text(), /SUMMARY:Release planning/);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no horizontal scroll (${overflow}px)`);
      await screenshot(page, `calendar-card-${width}`);
      await context.close();
    });
  }
});
