// Measures the SQLite adapter: ingest rate through store.add (each add one committed, fsynced
// transaction) and startup time with N stored messages (restore into memory, then the real CLI
// from spawn to 'mailroom ready'). A program, not a test: prints figures.
//
//   node --import tsx test/bench/persistence-startup.ts [messages=100000] [rawBytes=2048]

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createEventBus } from '../../server/events/bus.js';
import { parseMessage } from '../../server/mail/parse.js';
import { viewOf } from '../../server/mail/view.js';
import { createIdGenerator } from '../../server/mail/id.js';
import { DB_FILE, openSqliteStore } from '../../server/store/sqlite-store.js';
import { startCli } from '../helpers/cli-process.js';

const count = Number(process.argv[2] ?? 100_000);
const rawBytes = Number(process.argv[3] ?? 2048);
const INGEST_SAMPLE = 2000; // messages added one by one for the ingest rate

const envelope = { mailFrom: 'app@example.test', rcptTo: ['alice@example.test'], remoteAddress: '127.0.0.1', heloName: 'app', authUser: null, secure: false };
function rawMessage(i: number): Buffer {
  const head = `From: App <app@example.test>\r\nTo: Alice <alice@example.test>\r\nSubject: Your code is ${i}\r\nMessage-ID: <${i}@example.test>\r\nDate: Sat, 28 Nov 2026 12:00:00 +0000\r\n\r\n`;
  return Buffer.from(head + 'Hello Alice, here is your code. '.repeat(Math.ceil(rawBytes / 32)).slice(0, Math.max(0, rawBytes - head.length)));
}

const dir = mkdtempSync(join(tmpdir(), 'mailroom-bench-'));
try {
  const limits = { maxMessages: count + INGEST_SAMPLE, maxBytes: 64 * 1024 ** 3, bus: createEventBus() };
  const sample = await parseMessage(rawMessage(0));
  const view = viewOf(sample, envelope);

  // 1. Ingest rate: the real add path, one durable transaction per message.
  let store = openSqliteStore({ dataDir: dir, ...limits });
  let t0 = performance.now();
  for (let i = 0; i < INGEST_SAMPLE; i++) store.add({ raw: rawMessage(i), envelope, view });
  const ingestMs = performance.now() - t0;
  store.close!();

  // 2. Seed the rest in one bulk transaction (same schema; seeding speed is not what we measure).
  const db = new Database(join(dir, DB_FILE));
  const insert = db.prepare('INSERT INTO messages (id, received_at, inbox, read, tags, envelope, view, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const nextId = createIdGenerator();
  const envJson = JSON.stringify(envelope);
  db.transaction(() => {
    for (let i = INGEST_SAMPLE; i < count; i++) insert.run(nextId(), Date.now(), 'default', i % 3 === 0 ? 1 : 0, '[]', envJson, JSON.stringify({ ...view, subject: `Your code is ${i}` }), rawMessage(i));
  })();
  db.close();
  const total = Math.max(count, INGEST_SAMPLE);
  const fileMiB = statSync(join(dir, DB_FILE)).size / 1024 ** 2;

  // 3. Restore in-process.
  t0 = performance.now();
  store = openSqliteStore({ dataDir: dir, ...limits });
  const restoreMs = performance.now() - t0;
  const restored = store.stats().count;
  store.close!();

  // 4. The real CLI, spawn to ready (includes Node + tsx start-up, TLS certificate generation).
  const emptyDir = mkdtempSync(join(tmpdir(), 'mailroom-bench-empty-'));
  t0 = performance.now();
  const empty = await startCli(['--data-dir', emptyDir, '--log-level', 'info'], {}, 120_000);
  const emptyMs = performance.now() - t0;
  empty.child.kill('SIGTERM');
  await empty.exited;
  rmSync(emptyDir, { recursive: true, force: true });
  t0 = performance.now();
  const full = await startCli(['--data-dir', dir, '--max-messages', String(total + 1), '--max-store-bytes', '64GiB'], {}, 300_000);
  const fullMs = performance.now() - t0;
  const rss = (await (await fetch(`${full.url}/api/info`)).json()) as { messages: { count: number } };
  full.child.kill('SIGTERM');
  await full.exited;

  console.log(`ingest: ${INGEST_SAMPLE} messages of ${rawBytes} B via store.add in ${ingestMs.toFixed(0)} ms = ${((INGEST_SAMPLE / ingestMs) * 1000).toFixed(0)} msg/s (synchronous=FULL, one transaction each)`);
  console.log(`database: ${total} messages, ${fileMiB.toFixed(0)} MiB`);
  console.log(`restore in-process (openSqliteStore): ${restored} messages in ${restoreMs.toFixed(0)} ms`);
  console.log(`CLI spawn to ready: empty data dir ${emptyMs.toFixed(0)} ms; with ${rss.messages.count} messages ${fullMs.toFixed(0)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
