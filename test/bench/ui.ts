// UI row: time from navigation start until the inbox shows its first list row, in headless
// Debian Chromium (never downloaded) driven by playwright-core.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { now, percentile } from './stats.js';
import { CHROMIUM_ARGS, findChromium, missingChromiumMessage } from '../helpers/find-chromium.js';

export const DEFAULT_ROW_SELECTOR = '[role=option], [role=row], li';

export interface UiResult {
  available: boolean;
  reason?: string;
  selector: string;
  loads: number;
  p50: number;
  max: number;
}

export async function uiFirstRows(url: string, o: { selector: string; loads: number; webBuilt: boolean }): Promise<UiResult> {
  const none = (reason: string): UiResult => ({ available: false, reason, selector: o.selector, loads: 0, p50: Number.NaN, max: Number.NaN });
  const browser = findChromium();
  if (!browser.path) return none(missingChromiumMessage(browser));
  if (!o.webBuilt) return none('web bundle not built (npm run build:web)');
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (err) {
    return none(`playwright-core not installed: ${(err as Error).message}`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'mailroom-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: browser.path,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  try {
    const times: number[] = [];
    for (let i = 0; i < o.loads; i++) {
      const page = await context.newPage();
      try {
        const t = now();
        await page.goto(url, { waitUntil: 'commit' });
        await page.locator(o.selector).first().waitFor({ state: 'visible', timeout: 15_000 });
        times.push(now() - t);
      } catch (err) {
        return none(`no element matching ${JSON.stringify(o.selector)} became visible: ${(err as Error).message.split('\n')[0]}`);
      } finally {
        await page.close();
      }
    }
    return { available: true, selector: o.selector, loads: times.length, p50: percentile(times, 50), max: percentile(times, 100) };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
