// A malformed search says what and where, below the box, covering nothing: at 1280 and 375 px.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, startUi, type UiEnv } from '../helpers/browser.js';
import { fileTeardown } from '../helpers/teardown.js';

describe('web inbox: search errors', () => {
  const teardown = fileTeardown();
  let ui: UiEnv;
  before(async () => {
    ui = teardown.add(await startUi(), 'ui');
    await ui.send({ from: 'a@example.test', to: 'dev@example.test', subject: 'Something to list', text: 'x' });
  });

  for (const width of [1280, 375]) {
    it(`an unclosed parenthesis is named at its position, under the box, over nothing (${width} px)`, async () => {
      const { page, context } = await ui.openInbox({ width, height: 740 });
      await page.getByRole('option').first().waitFor();
      const box = page.getByRole('searchbox', { name: 'Search messages' });
      await box.fill('subject:(unclosed');
      await page.keyboard.press('Enter');
      const err = page.getByTestId('search-error');
      await err.waitFor();
      assert.equal(await err.innerText(), "'(' is never closed (at character 9 of the query)");
      const e = (await err.boundingBox())!;
      const input = (await box.boundingBox())!;
      assert.ok(e.y >= input.y + input.height - 1, 'below the box');
      for (const other of [page.getByTestId('list-count')]) {
        const o = (await other.boundingBox())!;
        const overlaps = e.x < o.x + o.width && o.x < e.x + e.width && e.y < o.y + o.height && o.y < e.y + e.height;
        assert.ok(!overlaps, `the error ${JSON.stringify(e)} covers ${JSON.stringify(o)}`);
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no horizontal scroll (${overflow}px)`);
      await screenshot(page, `search-error-${width}`);
      await context.close();
    });
  }
});
