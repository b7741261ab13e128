// The SpamAssassin public corpus (6,046 real messages from 2002, ~500 not valid UTF-8) over real
// SMTP: every message gets 250, the raw bytes served back are SHA-256 identical, each is parsed or
// carries parseError, every detail answer is valid UTF-8 JSON, the list count matches, and the
// server still serves afterwards. Prints time and throughput.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startTestServer } from '../helpers/server.js';
import { sendBulk, type BulkMessage } from '../helpers/bulk-smtp.js';
import { assertHealthy } from '../helpers/invariants.js';
import { memory } from '../helpers/memory.js';
import { loadSpamAssassin } from '../helpers/corpus.js';
import type { Mailroom } from '../../server/start.js';
import { fileTeardown } from '../helpers/teardown.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const utf8 = new TextDecoder('utf-8', { fatal: true });

let s: Mailroom;
const teardown = fileTeardown();
before(async () => {
  s = teardown.add(await startTestServer(), 's');
});

test('every SpamAssassin corpus message is accepted, stored byte for byte, parsed or flagged, and served', async (t) => {
  const corpus = loadSpamAssassin();
  assert.equal(corpus.length, 6046);
  const bytes = corpus.reduce((n, m) => n + m.data.length, 0);
  const invalidUtf8 = corpus.filter((m) => {
    try {
      utf8.decode(m.data);
      return false;
    } catch {
      return true;
    }
  }).length;

  const t0 = performance.now();
  const messages: BulkMessage[] = corpus.map((m) => ({ from: 'corpus@example.test', to: ['inbox@example.test'], data: m.data }));
  const replies = await sendBulk(s.smtpPort, messages, 4, 16);
  const sendMs = performance.now() - t0;
  const ids = replies.map((r, i) => {
    assert.equal(r.code, 250, `${corpus[i]!.name}: ${r.code} ${r.text}`);
    return /queued as (\S+)/.exec(r.text)![1]!;
  });
  assert.equal(new Set(ids).size, corpus.length);

  const t1 = performance.now();
  let parseErrors = 0;
  const check = async (i: number) => {
    const id = ids[i]!;
    const raw = Buffer.from(await (await fetch(`${s.url}/api/messages/${id}/raw`)).arrayBuffer());
    assert.equal(sha(raw), sha(corpus[i]!.data), `${corpus[i]!.name}: raw differs`);
    const res = await fetch(`${s.url}/api/messages/${id}`);
    assert.equal(res.status, 200, corpus[i]!.name);
    const detail = JSON.parse(utf8.decode(Buffer.from(await res.arrayBuffer()))) as { parseError: string | null; headers: unknown[] };
    assert.ok(detail.parseError === null ? detail.headers.length > 0 : detail.parseError.length > 0, `${corpus[i]!.name}: neither parsed nor flagged`);
    if (detail.parseError) parseErrors++;
  };
  const CONCURRENCY = 8;
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < ids.length) await check(next++);
  }));
  const verifyMs = performance.now() - t1;

  const page = (await (await fetch(`${s.url}/api/messages?limit=1`)).json()) as { total: number };
  assert.equal(page.total, corpus.length);
  await assertHealthy(s, corpus.length);
  const mem = await memory();
  const line =
    `corpus: ${corpus.length} messages, ${(bytes / 1048576).toFixed(1)} MiB (${invalidUtf8} not valid UTF-8); ` +
    `SMTP ${(sendMs / 1000).toFixed(1)} s = ${Math.round(corpus.length / (sendMs / 1000))} msg/s, ${(bytes / 1048576 / (sendMs / 1000)).toFixed(1)} MiB/s; ` +
    `verify (raw + detail over HTTP) ${(verifyMs / 1000).toFixed(1)} s; parseError ${parseErrors}; RSS ${mem.rss.toFixed(0)} MiB`;
  t.diagnostic(line);
  console.log(line);
});
