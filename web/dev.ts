// `npm run dev`, for working on Mailroom itself: the server from sources in watch mode (tsx watch
// restarts it when a server file changes) and Vite's dev server with hot reload for the inbox,
// proxying /api (and the feed's WebSocket) to the server.
//
//   npm run dev                         server on 127.0.0.1:1025 / :8025, inbox on http://127.0.0.1:5173
//   npm run dev -- --max-messages 50    other flags go to the server
//   MAILROOM_DEV_WEB_PORT=0 npm run dev  any free port for Vite (the tests use it)
//
// Ctrl+C stops both; when either stops, the other is stopped too.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const serverArgs = ['--smtp', flag('--smtp', '127.0.0.1:1025'), '--listen', flag('--listen', '127.0.0.1:8025'), ...args.filter((a, i) => !['--smtp', '--listen'].includes(a) && !['--smtp', '--listen'].includes(args[i - 1] ?? ''))];

const server = spawn(process.execPath, [fileURLToPath(import.meta.resolve('tsx/cli')), 'watch', '--clear-screen=false', 'server/cli.ts', ...serverArgs, '--log-level', flag('--log-level', 'info'), '--quiet'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});

let vite: ViteDevServer | null = null;
let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  server.kill('SIGTERM');
  await vite?.close();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
server.once('exit', (code) => void stop(code ?? 1));

// The first 'mailroom ready' line gives the API's real address (the port may have been 0).
createInterface({ input: server.stdout }).on('line', (line) => {
  process.stdout.write(line + '\n');
  if (vite || stopping || !line.includes('"mailroom ready"')) return;
  const { http } = JSON.parse(line) as { http: string };
  void startVite(http).catch((err: Error) => {
    process.stderr.write(`mailroom dev: vite failed: ${err.message}\n`);
    void stop(1);
  });
});

async function startVite(api: string): Promise<void> {
  vite = await createServer({
    configFile: fileURLToPath(new URL('vite.config.ts', import.meta.url)),
    server: {
      host: '127.0.0.1',
      port: Number(process.env.MAILROOM_DEV_WEB_PORT ?? 5173),
      strictPort: process.env.MAILROOM_DEV_WEB_PORT !== '0',
      proxy: { '/api': { target: api, ws: true } },
    },
  });
  await vite.listen();
  process.stdout.write(`mailroom dev: inbox with hot reload at ${vite.resolvedUrls?.local[0] ?? '?'} (API ${api})\n`);
}
