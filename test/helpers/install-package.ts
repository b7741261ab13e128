// The package as a user installs it: `npm pack` of this checkout (dist/ must be built), installed
// from the tarball into an empty ESM project. Installs run with --ignore-scripts --prefer-offline
// and copy better-sqlite3's native binary from this checkout (same lockfile version, same Node),
// as the Docker replay does: compiling it again takes minutes on a 2-core machine.

import { execFile } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../server/paths.js';

const run = promisify(execFile);
const NATIVE = 'better-sqlite3/build/Release/better_sqlite3.node';
export const INSTALL_FLAGS = ['--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'];

export interface Packed {
  tarball: string;
  /** Paths inside the tarball, as npm lists them. */
  files: string[];
}

/** Packs the built checkout into `dir` (without running prepare: the caller has built dist/). */
export async function packBuilt(dir: string): Promise<Packed> {
  if (!existsSync(join(packageRoot, 'dist/server/cli.js')) || !existsSync(join(packageRoot, 'dist/web/index.html'))) {
    throw new Error('dist/ is not built: run `npm run build` first (npm test and npm run bench do)');
  }
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: packageRoot });
  const [info] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return { tarball: join(dir, info!.filename), files: info!.files.map((f) => f.path) };
}

/** Installs the tarball into `project` (a directory with a package.json), as `npm install <tarball>` does. */
export async function installTarball(tarball: string, project: string): Promise<void> {
  await run('npm', ['install', ...INSTALL_FLAGS, tarball], { cwd: project, timeout: 120_000 });
  copyNative(join(project, 'node_modules'));
}

/** Installs the tarball globally under `prefix`; returns the path of the `mailroom` command. */
export async function installGlobal(tarball: string, prefix: string): Promise<string> {
  await run('npm', ['install', '-g', '--prefix', prefix, ...INSTALL_FLAGS, tarball], { timeout: 120_000 });
  copyNative(join(prefix, 'lib/node_modules/mailroom-server/node_modules'));
  return join(prefix, 'bin/mailroom');
}

function copyNative(nodeModules: string): void {
  cpSync(join(packageRoot, 'node_modules', NATIVE), join(nodeModules, NATIVE));
}

/** A new empty ESM project (package.json with "type": "module") at `dir`. */
export function emptyEsmProject(dir: string): string {
  cpSync(join(packageRoot, 'test/fixtures/empty-esm-project'), dir, { recursive: true });
  return dir;
}
