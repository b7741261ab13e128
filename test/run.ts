// `npm test`: provision the tools, then run the static checks (`npm run check`: tsc over the
// tests, svelte-check, ESLint) beside the build and the suites rather than before them. The
// checks are CPU work of ~40 s and the suites mostly wait on sockets, browsers and child
// processes, so on two cores this saves most of those 40 s. The checks' output is held and
// printed after the suites; the run fails if either side failed. Two test files run at a time:
// every server in a test listens on its own port 0 and its own temporary directories, and the
// suites' asserted bounds do not depend on machine speed, so two at once is safe and saves about
// a tenth of the run on two cores.

import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command: string, args: string[]): number {
  const r = spawnSync(command, args, { stdio: 'inherit' });
  return r.status ?? 1;
}

if (run(process.execPath, ['--import', 'tsx', 'test/provision.ts']) !== 0) process.exit(1);

const check = spawn(npm, ['run', '--silent', 'check'], { stdio: ['ignore', 'pipe', 'pipe'] });
let checkOutput = '';
check.stdout.on('data', (d: Buffer) => (checkOutput += d.toString()));
check.stderr.on('data', (d: Buffer) => (checkOutput += d.toString()));
const checked = new Promise<number>((resolve) => check.once('close', (code) => resolve(code ?? 1)));

const suites = ['unit', 'integration', 'examples', 'e2e'].flatMap((dir) =>
  readdirSync(`test/${dir}`).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `test/${dir}/${f}`),
);
let status = run(npm, ['run', '--silent', 'build']);
if (status === 0) status = run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...suites]);
if (status === 0) status = run(npm, ['exec', '--', 'vitest', 'run', '--config', 'test/examples/vitest/vitest.config.ts']);

const checkStatus = await checked;
process.stdout.write(`\n# npm run check (tsc over the tests, svelte-check, ESLint): ${checkStatus === 0 ? 'passed' : 'FAILED'}\n`);
if (checkStatus !== 0 || checkOutput.trim()) process.stdout.write(checkOutput);
process.exit(status !== 0 ? status : checkStatus);
