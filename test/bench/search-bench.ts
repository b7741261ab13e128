// Search benchmark (a program, not a test): stores 100,000 ~2 KB messages through store.add and times
// selective and full-text queries, then reports memory per message.
//
//   npm run bench:search [-- count]   (= node --expose-gc --import tsx test/bench/search-bench.ts [count])
//
// One real message is parsed with mailparser once; each stored message gets its own raw bytes and a
// view built by the real viewOf() from a varied copy of that parse (distinct sender, recipient,
// subject and body words), so search views and indexes are as ingest would build them.

import { createEventBus } from '../../server/events/bus.js';
import { parseMessage } from '../../server/mail/parse.js';
import { compileQuery } from '../../server/mail/search.js';
import { viewOf } from '../../server/mail/view.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { Envelope } from '../../server/mail/types.js';

const COUNT = Number(process.argv[2] ?? 100_000);
const RECIPIENTS = 1000; // distinct To addresses: to: one of them matches COUNT/1000 messages

const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'.split(' ');
const body = Array.from({ length: 220 }, (_, i) => words[i % words.length]).join(' ').replace(/(.{70})/g, '$1\r\n');
const template = Buffer.from(
  [
    'From: Sender <sender@example.test>',
    'To: Recipient <rcpt@example.test>',
    'Subject: Your order has shipped',
    'Date: Tue, 02 Jan 2024 10:00:00 +0000',
    'Message-ID: <template@example.test>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'X-Mailer: bench',
    '',
    body,
    '',
  ].join('\r\n'),
);

const gc = (globalThis as { gc?: () => void }).gc;
const settle = () => {
  gc?.();
  gc?.();
  return process.memoryUsage();
};

function time(label: string, fn: () => { total: number }) {
  const samples: number[] = [];
  let total = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    total = fn().total;
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  console.log(`${label.padEnd(44)} ${samples[3]!.toFixed(2).padStart(8)} ms median  (${String(total).padStart(6)} matches)`);
}

async function main() {
  const parsed = await parseMessage(template);
  const before = settle();
  const store = createMemoryStore({ maxMessages: COUNT, maxBytes: 64 * 1024 ** 3, bus: createEventBus() });
  const t0 = performance.now();
  for (let i = 0; i < COUNT; i++) {
    const to = [{ name: `Recipient ${i % RECIPIENTS}`, address: `rcpt${i % RECIPIENTS}@example.test` }];
    const from = { name: `Sender ${i}`, address: `sender${i}@example.test` };
    const envelope: Envelope = { mailFrom: from.address, rcptTo: [to[0]!.address], remoteAddress: '127.0.0.1', heloName: 'bench', authUser: null, secure: false };
    const raw = Buffer.allocUnsafe(template.length);
    template.copy(raw);
    const variant = { ...parsed, from, to, subject: `Your order ${i} has shipped`, messageId: `<msg-${i}@example.test>`, text: `${parsed.text} needle${i}` };
    const stored = store.add({ raw, envelope, view: viewOf(variant, envelope), tags: i % 100 === 0 ? ['vip'] : [], inbox: `suite-${i % 4}` });
    if (i % 10 !== 0) store.setRead([stored.id], true); // 10% unread
  }
  const insertMs = performance.now() - t0;
  const after = settle();
  const n = store.stats().count;
  console.log(`stored ${n} messages of ${template.length} bytes in ${insertMs.toFixed(0)} ms (${((insertMs * 1000) / n).toFixed(1)} µs each, views built by viewOf)`);
  console.log(`memory per message: rss ${((after.rss - before.rss) / n).toFixed(0)} B, JS heap ${((after.heapUsed - before.heapUsed) / n).toFixed(0)} B, raw buffers ${((after.arrayBuffers - before.arrayBuffers) / n).toFixed(0)} B; store accounts ${(store.stats().bytes / n).toFixed(0)} B`);
  const q = (text: string) => compileQuery(text, { tz: 'UTC' });
  const list = (text: string, inbox: string | null = null) => () => store.list({ limit: 50, query: q(text), inbox });
  time('first page, no query', list(''));
  time('to:rcpt42@example.test (indexed, 0.1%)', list('to:rcpt42@example.test'));
  time('from:sender77777@example.test (1 match)', list('from:sender77777@example.test'));
  time('message-id:msg-4242@example.test', list('message-id:msg-4242@example.test'));
  time('tag:vip (indexed, 1%)', list('tag:vip'));
  time('is:unread (indexed, 10%)', list('is:unread'));
  time('inbox scope + to: (indexed)', list('to:rcpt42@example.test', 'suite-2'));
  time('full text: needle12345 (1 match, full scan)', list('needle12345'));
  time('full text: "order 4242" (phrase, full scan)', list('"order 4242 has"'));
  time('full text: dolor (every message)', list('dolor'));
  time('subject:order -body:nothing (full scan)', list('subject:order -body:nothing'));
  time('(tag:vip OR is:unread) larger:1k (full scan)', list('(tag:vip OR is:unread) larger:1k'));
  const plain = q('to:rcpt42@example.test');
  time('predicate only (no hints): to:rcpt42', () => store.list({ limit: 50, filter: (m) => plain(m) }));
}

await main();
