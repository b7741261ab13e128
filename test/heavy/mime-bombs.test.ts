// MIME bombs over real SMTP: 200-level nesting, 100,000 parts, a 50 MB base64 line, 1 MB header
// lines. Each gets 250 and is kept byte for byte (parsed, or raw with parseError); every route of
// every dialect answers for it; while the bombs arrive and are read, another message's detail and
// the list keep answering; memory returns near its level once they are deleted.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { startTestServer } from '../helpers/server.js';
import { sendBulk } from '../helpers/bulk-smtp.js';
import { sendRaw } from '../helpers/smtp-client.js';
import { assertEveryRouteServes } from '../helpers/routes.js';
import { assertHealthy } from '../helpers/invariants.js';
import { held, memory } from '../helpers/memory.js';
import type { Mailroom } from '../../server/start.js';
import { fileTeardown } from '../helpers/teardown.js';
import { nestedMime } from '../helpers/mime-shapes.js';

const MiB = 1024 * 1024;
// Not speed bounds: ceilings that only a quadratic blow-up or a synchronous multi-second parse
// crosses (the figures themselves are printed).
const BLOCK_CEILING_MS = 3000;
const ANSWER_CEILING_MS = 5000;

let s: Mailroom;
const teardown = fileTeardown();
before(async () => {
  s = teardown.add(await startTestServer({ maxMessageSize: 64 * MiB }), 's');
});

function wide(parts: number): Buffer {
  const chunks = ['Subject: bomb 100k parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="w"\r\n\r\n'];
  for (let i = 0; i < parts; i++) chunks.push(`--w\r\nContent-Type: text/plain\r\n\r\np${i}\r\n`);
  chunks.push('--w--\r\n');
  return Buffer.from(chunks.join(''));
}

function base64Line(bytes: number): Buffer {
  return Buffer.concat([
    Buffer.from('Subject: bomb 50 MB base64 line\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee the attachment\r\n--b\r\nContent-Type: application/octet-stream; name="big.bin"\r\nContent-Disposition: attachment; filename="big.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n'),
    Buffer.alloc(bytes, 'QUJD'), // "ABC" repeated, one line
    Buffer.from('\r\n--b--\r\n'),
  ]);
}

function longHeaderLines(count: number, length: number): Buffer {
  let head = `Subject: bomb ${count} header lines of ${length} bytes\r\n`;
  for (let i = 0; i < count; i++) head += `X-Long-${i}: ${'h'.repeat(length)}\r\n`;
  return Buffer.from(head + '\r\nbody\r\n');
}

/** Polls a detail and the list until stop(); the slowest answer of each, in ms. */
function probe(id: string): { stop: () => Promise<{ detail: number; list: number; count: number }> } {
  let running = true;
  const worst = { detail: 0, list: 0, count: 0 };
  const loop = (async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stop() clears `running`
    while (running) {
      let t = performance.now();
      assert.equal((await fetch(`${s.url}/api/messages/${id}`)).status, 200);
      worst.detail = Math.max(worst.detail, performance.now() - t);
      t = performance.now();
      const list = await fetch(`${s.url}/api/messages?limit=5`);
      assert.equal(list.status, 200);
      await list.arrayBuffer();
      worst.list = Math.max(worst.list, performance.now() - t);
      worst.count++;
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return worst;
    },
  };
}

const compatRoutes = (id: string) => [`/api/v1/message/${id}`, `/api/v1/message/${id}/raw`, `/api/v1/message/${id}/headers`, `/api/v1/messages/${id}`, `/api/v2/messages?limit=5`, `/api/v1/messages`];

const bombs: Array<[string, () => Buffer, (d: { parseError: string | null; text: string | null; parts: unknown[] }) => void]> = [
  ['200-level nesting', () => nestedMime(200, 'bomb depth 200'), (d) => assert.equal(d.text?.trim(), 'THE-LEAF-TEXT')],
  ['100,000 parts', () => wide(100_000), (d) => assert.match(d.parseError ?? '', /child nodes/)],
  ['a 50 MB base64 line', () => base64Line(50 * MiB), (d) => assert.ok(d.parseError !== null || d.parts.length === 1)],
  ['1 MB header lines', () => longHeaderLines(4, MiB), (d) => assert.match(d.parseError ?? '', /header size/i)],
];

for (const [name, build, check] of bombs) {
  test(`MIME bomb, ${name}: kept, served on every route, others still answered, memory back`, async () => {
    const before = await memory();
    const other = await sendRaw(s.smtpPort, 'a@example.test', ['b@example.test'], 'Subject: bystander\r\n\r\nordinary\r\n');
    const otherId = /queued as (\S+)/.exec(other!.text)![1]!;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const prober = probe(otherId);
    const t0 = performance.now();
    let raw: Buffer | null = build();
    const [reply] = await sendBulk(s.smtpPort, [{ from: 'a@example.test', to: ['b@example.test'], data: raw }], 1, 1);
    const ingestMs = performance.now() - t0;
    assert.equal(reply!.code, 250, `${reply!.code} ${reply!.text}`);
    const id = /queued as (\S+)/.exec(reply!.text)![1]!;
    const d = await assertEveryRouteServes(s.url, id, raw);
    check(d);
    for (const path of compatRoutes(id)) {
      const res = await fetch(s.url + path);
      assert.equal(res.status, 200, path);
      await res.arrayBuffer();
    }
    const readMs = performance.now() - t0 - ingestMs;
    const worst = await prober.stop();
    loop.disable();
    const blocked = loop.max / 1e6;
    console.log(`# ${name}: ${(raw.length / MiB).toFixed(1)} MiB, ingest ${ingestMs.toFixed(0)} ms, every route ${readMs.toFixed(0)} ms, ` +
      `slowest bystander detail ${worst.detail.toFixed(0)} ms and list ${worst.list.toFixed(0)} ms over ${worst.count} probes, event loop blocked at most ${blocked.toFixed(0)} ms, parseError ${JSON.stringify(d.parseError)}`);
    assert.ok(worst.count > 0);
    assert.ok(worst.detail < ANSWER_CEILING_MS && worst.list < ANSWER_CEILING_MS, `a bystander waited ${Math.max(worst.detail, worst.list).toFixed(0)} ms`);
    assert.ok(blocked < BLOCK_CEILING_MS, `event loop blocked ${blocked.toFixed(0)} ms`);
    // eslint-disable-next-line no-useless-assignment -- drop the reference so the memory reading below can see it freed
    raw = null;
    await fetch(`${s.url}/api/messages`, { method: 'DELETE' });
    await assertHealthy(s, 0);
    const afterwards = await memory();
    assert.ok(held(afterwards) - held(before) < 40, `memory ${(held(afterwards) - held(before)).toFixed(1)} MiB above its level`);
  });
}
