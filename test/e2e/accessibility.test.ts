// axe-core (the accessibility engine most test suites use) over the inbox list, an open message
// and the dialogs, in the light and dark themes: no serious or critical violations. The preview
// frame is left out: it is the mail's own HTML, shown as sent, in a sandbox where no script runs.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { startUi, type UiEnv } from '../helpers/browser.js';
import { fileTeardown } from '../helpers/teardown.js';
import { list } from '../helpers/api.js';

const axeSource = createRequire(import.meta.url)('axe-core').source as string;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

async function seriousViolations(page: Page, context: string): Promise<string[]> {
  // Through the DevTools protocol: the inbox's CSP (script-src 'self') rightly refuses an inline <script>.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const { violations, passed } = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: unknown[]; passes: unknown[] }> } }).axe;
    const r = await axe.run({ exclude: [['iframe']] }, { resultTypes: ['violations'], iframes: false });
    return { violations: r.violations as Violation[], passed: r.passes.length };
  });
  assert.ok(passed > 10, `${context}: axe ran (${passed} rules passed)`);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${context}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
}

describe('web inbox: accessibility', () => {
  const teardown = fileTeardown();
  let ui: UiEnv;
  let id: string;
  before(async () => {
    ui = teardown.add(await startUi(), 'ui');
    await ui.send({ from: 'Shop <shop@example.test>', to: 'Alice <alice@example.test>', subject: 'Your order shipped', text: 'Track it at https://example.test/t', html: '<h1>Shipped</h1><p>Track it <a href="https://example.test/t">here</a>.</p>', headers: { 'X-Tags': 'orders' }, attachments: [{ filename: 'invoice.pdf', content: 'x' }] });
    await ui.send({ from: 'a@example.test', to: 'dev@example.test', subject: 'Unread one', text: 'x' });
    id = (await list(ui.server.url)).messages.find((m) => m.subject === 'Your order shipped')!.id;
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`the list, a message, its tabs and the dialogs have no serious violations (${colorScheme})`, async () => {
      const { page, context } = await ui.openInbox({ colorScheme });
      await page.getByRole('option').first().waitFor();
      const problems = await seriousViolations(page, 'list');
      await page.getByRole('option', { name: /Your order shipped/ }).click();
      await page.locator('.msg-header').waitFor();
      problems.push(...(await seriousViolations(page, 'message')));
      for (const tab of ['Headers', 'Attachments', 'Links']) {
        await page.getByRole('tab', { name: new RegExp(tab) }).click();
        problems.push(...(await seriousViolations(page, `${tab} tab`)));
      }
      await page.getByRole('button', { name: 'More' }).click();
      await page.getByRole('menu').waitFor();
      problems.push(...(await seriousViolations(page, 'More menu')));
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape'); // back to the list
      await page.keyboard.press('?');
      await page.getByRole('dialog').first().waitFor();
      problems.push(...(await seriousViolations(page, 'shortcuts dialog')));
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Delete all' }).click();
      await page.getByRole('dialog').first().waitFor();
      problems.push(...(await seriousViolations(page, 'delete-all dialog')));
      await page.keyboard.press('Escape');
      await page.goto(`${ui.server.url}/messages/${id}`);
      await page.locator('.msg-header').waitFor();
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  it('Tab reaches every control of the list and the open message, each with a visible focus ring', async () => {
    const { page, context } = await ui.openInbox({ path: `/messages/${id}` });
    await page.locator('.msg-header').waitFor();
    const seen = new Map<string, boolean>();
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return null;
        const cs = getComputedStyle(el);
        const name = (el.getAttribute('aria-label') ?? el.textContent).trim().replace(/\s+/g, ' ').slice(0, 40) || el.tagName;
        const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none';
        return { name: `${el.tagName.toLowerCase()}[${el.getAttribute('role') ?? ''}] ${name}`, ring };
      });
      if (f) seen.set(f.name, f.ring);
    }
    const names = [...seen.keys()].join(' | ');
    for (const want of ['input[]', 'Skip to messages', 'div[listbox] Messages', 'Back', 'Mark unread', 'Delete', 'More', 'tab] Preview']) assert.ok(names.includes(want), `Tab reaches ${want}: ${names}`);
    // The preview iframe is a tab stop (so keyboard users can scroll the mail) but not an action;
    // Chromium reports no :focus on it while focus is inside the sandboxed document.
    const withoutRing = [...seen].filter(([n, ring]) => !ring && !n.startsWith('iframe')).map(([n]) => n);
    assert.deepEqual(withoutRing, [], 'every focused control shows where focus is');
    await context.close();
  });
});
