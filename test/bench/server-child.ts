// The server side of the benchmark: a Mailroom started in its own process, so its CPU time and
// memory are measured apart from the load generator's. Driven by the parent over IPC.
//   argv[2]: JSON of Config overrides.
//   parent -> child: { id, cmd: 'usage' | 'gc' | 'close' }
//   child -> parent: { type: 'ready', smtpPort, httpPort, url } then { id, ... } per command.

import { start } from '../../server/start.js';
import type { Config } from '../../server/config.js';

const overrides = JSON.parse(process.argv[2] ?? '{}') as Partial<Config>;
const server = await start({ smtp: { host: '127.0.0.1', port: 0 }, listen: { host: '127.0.0.1', port: 0 }, ...overrides });

type Command = { id: number; cmd: 'usage' | 'gc' | 'close' };

function usage() {
  const mem = process.memoryUsage();
  return { cpu: process.cpuUsage(), rss: mem.rss, heapUsed: mem.heapUsed, external: mem.external, arrayBuffers: mem.arrayBuffers, stats: server.store.stats() };
}

process.on('message', (m: Command) => {
  if (m.cmd === 'usage') process.send!({ id: m.id, ...usage() });
  else if (m.cmd === 'gc') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send!({ id: m.id, ...usage() });
  } else if (m.cmd === 'close') {
    void server.close().then(() => {
      process.send!({ id: m.id }, () => process.exit(0));
    });
  }
});
process.on('disconnect', () => process.exit(0)); // the bench went away: never linger

process.send!({ type: 'ready', smtpPort: server.smtpPort, httpPort: server.httpPort, url: server.url });
