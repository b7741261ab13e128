// Where the package lives, so the server finds its web bundle and version whether it runs from
// dist/ (npm start, installed package) or from sources through tsx (tests).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${from}`);
    dir = up;
  }
  return dir;
}

/** The directory holding Mailroom's package.json. */
export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** The built web UI. */
export const webRoot = join(packageRoot, 'dist', 'web');

/** The package version. */
export const version: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
