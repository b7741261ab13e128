// Headless Debian Chromium through playwright-core for security tests: a fresh profile, no
// background traffic, optional host-resolver rules (to simulate DNS rebinding and foreign sites).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium with its own profile; `hostRules` like "MAP evil.test 127.0.0.1". */
export async function launchChromium(hostRules: string[] = [], extraArgs: string[] = []): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'mailroom-chromium-'));
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-proxy-server',
  ];
  if (hostRules.length) args.push(`--host-resolver-rules=${hostRules.join(', ')}`);
  args.push(...extraArgs);
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args, acceptDownloads: true });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
