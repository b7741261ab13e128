// Headless Debian Chromium through playwright-core for security tests: a fresh profile, no
// background traffic, optional host-resolver rules (to simulate DNS rebinding and foreign sites).
// Importing this module makes the file a browser suite: without Chromium it stops at once with
// one line on stderr (see requireChromium).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_ARGS, requireChromium } from './find-chromium.js';

export const CHROMIUM = requireChromium();

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium with its own profile; `hostRules` like "MAP evil.test 127.0.0.1". */
export async function launchChromium(hostRules: string[] = [], extraArgs: string[] = []): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'mailroom-chromium-'));
  const args = [...CHROMIUM_ARGS, '--no-proxy-server'];
  if (hostRules.length) args.push(`--host-resolver-rules=${hostRules.join(', ')}`);
  args.push(...extraArgs);
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args, acceptDownloads: true });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
