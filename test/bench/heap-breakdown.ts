// `npm run bench:heap [count]`: where the memory of stored messages goes. Fills an in-process
// Mailroom with `count` bench messages over SMTP, takes a heap snapshot and prints self size per
// stored message by V8 node type and name (strings bucketed by length). The raw bytes show up as
// JSArrayBufferData (slabs); the folded search text as the long strings.
//   node --expose-gc --import tsx test/bench/heap-breakdown.ts [count] [Config overrides as JSON]

import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { startMailroom } from '../../server/in-process.js';
import { makeMessage, recipientOf, RECIPIENTS } from './message.js';
import { runLoad } from './smtp-load.js';

const count = Number(process.argv[2] ?? 10_000);
const overrides = JSON.parse(process.argv[3] ?? '{}') as Record<string, unknown>;
const m = await startMailroom({ maxMessages: count * 2, maxStoreBytes: 4 * 1024 ** 3, ...overrides });
const cache = new Map<number, Buffer>();
const message = (n: number) => {
  const k = n % RECIPIENTS;
  let b = cache.get(k);
  if (!b) cache.set(k, (b = makeMessage(k, 2048)));
  return b;
};
const r = await runLoad({ port: m.smtpPort, sessions: 10, messages: count, message, recipient: (n) => recipientOf(n % RECIPIENTS) });
await new Promise((resolve) => setTimeout(resolve, 500)); // let the last packing batches land
globalThis.gc?.();
const mu = process.memoryUsage();
console.log(`${r.accepted} stored, raw ${message(1).length} bytes each; per stored message: heap ${(mu.heapUsed / count).toFixed(0)} B (baseline included), array buffers ${(mu.arrayBuffers / count).toFixed(0)} B`);
const file = writeHeapSnapshot(join(tmpdir(), `mailroom-heap-${process.pid}.heapsnapshot`));
await m.close();

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}
const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
rmSync(file);
const fields = snap.snapshot.meta.node_fields;
const types = snap.snapshot.meta.node_types[0];
const [width, iType, iName, iSize] = [fields.length, fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
const totals = new Map<string, { n: number; size: number }>();
for (let i = 0; i < snap.nodes.length; i += width) {
  const type = types[snap.nodes[i + iType]!]!;
  const name = snap.strings[snap.nodes[i + iName]!]!;
  const label = type.endsWith('string') ? (name.length > 200 ? 'length > 200' : name.length > 40 ? 'length 41-200' : 'length <= 40') : name.slice(0, 50);
  const key = `${type}: ${label}`;
  const t = totals.get(key) ?? { n: 0, size: 0 };
  t.n++;
  t.size += snap.nodes[i + iSize]!;
  totals.set(key, t);
}
console.log('bytes/msg  count/msg  what');
for (const [key, t] of [...totals].sort((a, b) => b[1].size - a[1].size).slice(0, 25)) {
  console.log(`${(t.size / count).toFixed(0).padStart(9)}  ${(t.n / count).toFixed(2).padStart(9)}  ${key}`);
}
