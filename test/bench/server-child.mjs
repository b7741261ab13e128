// The server side of the benchmark: a Mailroom started in its own process, so its CPU time and
// memory are measured apart from the load generator's. Driven by the parent over IPC. Plain
// JavaScript so it can run the built server (dist/) without a TypeScript loader in memory.
//   argv[2]: JSON of Config overrides; argv[3]: URL of the start module (dist or sources).
//   parent -> child: { id, cmd: 'usage' | 'gc' | 'close' }
//   child -> parent: { type: 'ready', smtpPort, httpPort, url } then { id, ... } per command.

const overrides = JSON.parse(process.argv[2] ?? '{}');
const { start } = await import(process.argv[3]);
// As the CLI's serve command does (server/heap-tuning.ts sits beside start.js in dist/ and server/).
const tuning = await import(new URL(process.argv[3].endsWith('.ts') ? './heap-tuning.ts' : './heap-tuning.js', process.argv[3]).href);
if (process.env.MAILROOM_BENCH_NO_HEAP_TUNING !== '1') tuning.tuneHeapWhileServing(); // set it to 1 to compare
const server = await start({ smtp: { host: '127.0.0.1', port: 0 }, listen: { host: '127.0.0.1', port: 0 }, ...overrides });

function usage() {
  const mem = process.memoryUsage();
  return { cpu: process.cpuUsage(), rss: mem.rss, heapTotal: mem.heapTotal, heapUsed: mem.heapUsed, external: mem.external, arrayBuffers: mem.arrayBuffers, stats: server.store.stats() };
}

process.on('message', (m) => {
  if (m.cmd === 'usage') process.send({ id: m.id, ...usage() });
  else if (m.cmd === 'gc') {
    globalThis.gc?.();
    process.send({ id: m.id, ...usage() });
  } else if (m.cmd === 'close') {
    void server.close().then(() => {
      process.send({ id: m.id }, () => process.exit(0));
    });
  }
});
process.on('disconnect', () => process.exit(0)); // the bench went away: never linger

process.send({ type: 'ready', smtpPort: server.smtpPort, httpPort: server.httpPort, pop3Port: server.pop3Port, imapPort: server.imapPort, url: server.url });
