// The one place that finds the browser for tests, the bench and scripts: Debian's Chromium (or any
// Chromium the developer names), never a browser that playwright downloads.
//
// Order: $CHROMIUM, then $PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH, then chromium, chromium-browser,
// google-chrome on $PATH. A variable that is set but names nothing executable is an error, not a
// reason to look elsewhere: the developer asked for that browser.

import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const CHROMIUM_ENV = ['CHROMIUM', 'PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH'] as const;
export const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome'] as const;
export const CHROMIUM_INSTALL_HINT = 'apt-get install chromium (or set CHROMIUM=/path/to/chromium)';

/** Headless flags for a machine with a closed network: no background traffic, no GPU, no sandbox (root). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumLookup {
  /** The executable, or null when there is none. */
  path: string | null;
  /** The variable that named it, when one did (then nothing else is tried). */
  fromEnv: (typeof CHROMIUM_ENV)[number] | null;
  /** One line: where it was found, or what was looked for and not found. */
  detail: string;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first executable called `name` on `pathVar`, or `name` itself when it is a path. */
export function which(name: string, pathVar = process.env.PATH ?? ''): string | null {
  if (name.includes('/')) return isExecutableFile(name) ? name : null;
  for (const dir of pathVar.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  for (const name of CHROMIUM_ENV) {
    const value = env[name];
    if (!value) continue;
    const path = which(value, env.PATH);
    return path
      ? { path, fromEnv: name, detail: `${path} (from ${name})` }
      : { path: null, fromEnv: name, detail: `${name}=${value} is not an executable file` };
  }
  for (const name of CHROMIUM_NAMES) {
    const path = which(name, env.PATH);
    if (path) return { path, fromEnv: null, detail: path };
  }
  return { path: null, fromEnv: null, detail: `none of ${CHROMIUM_NAMES.join(', ')} is on PATH` };
}

/** One line for a suite or script that cannot run without the browser. */
export function missingChromiumMessage(lookup: ChromiumLookup): string {
  return `Chromium not found: ${lookup.detail}; install it with ${CHROMIUM_INSTALL_HINT}`;
}

/** The browser's path; throws a one-line error (no stack) when there is none. */
export function chromiumExecutable(): string {
  const lookup = findChromium();
  if (lookup.path) return lookup.path;
  const err = new Error(missingChromiumMessage(lookup));
  err.stack = err.message;
  throw err;
}

/**
 * For a test file whose every test needs the browser: the browser's path, or, when there is none,
 * one line on stderr and exit code 1, so the suite fails at once as a whole instead of once per
 * test (and never skips).
 */
export function requireChromium(): string {
  const lookup = findChromium();
  if (lookup.path) return lookup.path;
  process.stderr.write(`browser suite cannot run: ${missingChromiumMessage(lookup)}\n`);
  process.exit(1);
}
