// Exhaustion and faults, all on 127.0.0.1 and bounded: delete-all while mail pours in, 2,000 idle
// SMTP connections, a slowloris DATA, 1,000 idle WebSocket clients (and the 1,001st over the cap).
// Each time the limits hold, the server keeps serving, and memory comes back. (kill -9 during
// ingest with --data-dir is test/integration/persistence-crash.test.ts.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { startTestServer } from '../helpers/server.js';
import { sendBulk, type BulkMessage } from '../helpers/bulk-smtp.js';
import { RawSmtp, sendRaw } from '../helpers/smtp-client.js';
import { assertHealthy, assertNoOpenConnections } from '../helpers/invariants.js';
import { held, memory } from '../helpers/memory.js';
import { getJson } from '../helpers/api.js';
import type { Mailroom } from '../../server/start.js';

async function withServer(overrides: Parameters<typeof startTestServer>[0], fn: (s: Mailroom) => Promise<void>): Promise<void> {
  const s = await startTestServer(overrides);
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

test('delete-all during heavy ingest: every 250 is stored or deleted whole, counts agree, nothing half-kept', async () => {
  await withServer({}, async (s) => {
    const before = await memory();
    const TOTAL = 4000;
    const messages: BulkMessage[] = Array.from({ length: TOTAL }, (_, i) => ({
      from: 'load@example.test',
      to: ['sink@example.test'],
      data: Buffer.from(`Subject: load ${i}\r\nX-Index: ${i}\r\n\r\n${'body line\r\n'.repeat(20 + (i % 50))}`),
    }));
    let deletes = 0;
    let sending = true;
    const deleter = (async () => {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- `sending` is cleared outside this loop
      while (sending && deletes < 20) { // a bounded number, so (on most machines) a tail of the run stays to check
        const res = await fetch(`${s.url}/api/messages`, { method: 'DELETE' });
        assert.equal(res.status, 200);
        deletes++;
        await sleep(15); // spread the deletes over the run; not a synchronisation
      }
    })();
    const replies = await sendBulk(s.smtpPort, messages, 4, 16);
    sending = false;
    await deleter;
    for (const [i, r] of replies.entries()) assert.equal(r.code, 250, `message ${i}: ${r.code} ${r.text}`);
    const stats = s.store.stats();
    const page = (await getJson<{ total: number; messages: Array<{ id: string; subject: string }> }>(`${s.url}/api/messages?limit=1000`)).body;
    assert.equal(page.total, stats.count, 'list and stats agree');
    assert.ok(stats.count < TOTAL, `the deletes removed something (${deletes} delete-alls)`);
    for (const m of page.messages.slice(0, 200)) {
      const i = Number(/^load (\d+)$/.exec(m.subject)![1]);
      const raw = Buffer.from(await (await fetch(`${s.url}/api/messages/${m.id}/raw`)).arrayBuffer());
      assert.ok(raw.equals(messages[i]!.data), `message ${i} whole`);
    }
    console.log(`# ${TOTAL} messages with ${deletes} delete-alls in between: ${stats.count} left, all whole`);
    await fetch(`${s.url}/api/messages`, { method: 'DELETE' });
    await assertHealthy(s, 0);
    const afterwards = await memory();
    assert.ok(held(afterwards) - held(before) < 30, `memory ${(held(afterwards) - held(before)).toFixed(1)} MiB above its level`);
  });
});

test('2,000 idle SMTP connections: all greeted under raised caps, a fresh client still delivers, the idle timeout reaps them', async () => {
  const N = 2000;
  await withServer({ maxConnections: N + 10, maxConnectionsPerIp: N + 10, smtpIdleTimeout: 8000 }, async (s) => {
    const before = await memory();
    const clients: RawSmtp[] = [];
    for (let i = 0; i < N; i += 100) {
      clients.push(...(await Promise.all(Array.from({ length: 100 }, () => RawSmtp.open(s.smtpPort)))));
    }
    const greetings = await Promise.all(clients.map((c) => c.reply(10_000)));
    assert.ok(greetings.every((g) => g?.code === 220), 'every connection greeted');
    const during = await memory();
    const perConnectionKiB = ((held(during) - held(before)) * 1024) / N;
    console.log(`# ${N} idle SMTP connections: ${(held(during) - held(before)).toFixed(1)} MiB held (${perConnectionKiB.toFixed(1)} KiB each, test clients included)`);
    assert.ok(held(during) - held(before) < 200, `memory grew ${(held(during) - held(before)).toFixed(1)} MiB`);
    // The 2,001st is served while they idle, and the API answers.
    const r = await sendRaw(s.smtpPort, 'a@example.test', ['b@example.test'], 'Subject: during the crowd\r\n\r\nok\r\n');
    assert.equal(r?.code, 250);
    assert.equal((await fetch(`${s.url}/api/messages?limit=1`)).status, 200);
    // The idle timeout closes every one of them with 421 4.4.2.
    const closings = await Promise.all(clients.map((c) => c.reply(30_000)));
    assert.ok(closings.every((g) => g?.code === 421 && /4\.4\.2/.test(g.text)), 'every idle connection got 421 4.4.2');
    await Promise.all(clients.map((c) => c.closed));
    await assertNoOpenConnections(s, 10_000);
    await fetch(`${s.url}/api/messages`, { method: 'DELETE' });
    await assertHealthy(s, 0);
  });
});

test('2,000 connections at default caps: beyond 50 from one address each gets 421 at once; the 50 leave and service resumes', async () => {
  await withServer({}, async (s) => {
    // Opened in waves of 100: a burst of 2,000 SYNs overflows the listen backlog (the kernel's
    // limit, not Mailroom's), and this test is about what the server does with the connections.
    const clients: RawSmtp[] = [];
    const first: Array<Awaited<ReturnType<RawSmtp['reply']>>> = [];
    for (let i = 0; i < 2000; i += 100) {
      const wave = await Promise.all(Array.from({ length: 100 }, () => RawSmtp.open(s.smtpPort)));
      first.push(...(await Promise.all(wave.map((c) => c.reply(10_000)))));
      clients.push(...wave);
    }
    const greeted = first.filter((g) => g?.code === 220).length;
    const refused = first.filter((g) => g?.code === 421).length;
    assert.equal(greeted, 50, 'the per-address cap (50) holds');
    assert.equal(refused, 1950);
    for (const c of clients) c.close();
    await assertNoOpenConnections(s, 10_000);
    await assertHealthy(s, 0);
  });
});

test('slowloris DATA: a message trickled a byte at a time is cut off at the session deadline, nothing stored', async () => {
  await withServer({ smtpIdleTimeout: 1000, smtpSessionTimeout: 3000 }, async (s) => {
    const c = await RawSmtp.open(s.smtpPort);
    await c.reply();
    await c.command('EHLO slow.test');
    await c.command('MAIL FROM:<a@example.test>');
    await c.command('RCPT TO:<b@example.test>');
    assert.equal((await c.command('DATA'))?.code, 354);
    let closed = false;
    void c.closed.then(() => (closed = true));
    const ended = c.reply(15_000);
    const started = Date.now();
    // The trickle is the attack: one byte every 100 ms keeps the idle timer from firing.
    const body = 'Subject: slow\r\n\r\n' + 'x'.repeat(1000);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- `closed` is set by the close event
    for (let i = 0; i < body.length && !closed && Date.now() - started < 12_000; i++) {
      c.send(body[i]!);
      await sleep(100); // the point of the test: a byte every 100 ms
    }
    const r = await ended;
    assert.equal(r?.code, 421, JSON.stringify(r));
    assert.match(r.text, /4\.4\.2/);
    await c.closed;
    assert.equal(s.store.stats().count, 0, 'nothing stored');
    await assertHealthy(s, 0);
  });
});

test('1,000 idle WebSocket clients all get every frame; the 1,001st gets 503; closing them frees the slots and memory', async () => {
  const N = 1000;
  await withServer({ maxFeedClients: N }, async (s) => {
    const before = await memory();
    const base = s.url.replace(/^http/, 'ws');
    const paths = ['/api/feed', '/api/events', '/api/v2/websocket'];
    const sockets: WebSocket[] = [];
    const received: number[] = [];
    for (let i = 0; i < N; i += 100) {
      const batch = await Promise.all(Array.from({ length: 100 }, (_, j) => new Promise<WebSocket>((resolve, reject) => {
        const k = i + j;
        const ws = new WebSocket(base + paths[k % paths.length]!, { headers: { origin: s.url } });
        received[k] = 0;
        ws.on('message', (data) => {
          if (String(data).includes('crowd check')) received[k]!++;
        });
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      })));
      sockets.push(...batch);
    }
    const over = await new Promise<number>((resolve) => {
      const ws = new WebSocket(base + '/api/feed', { headers: { origin: s.url } });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => resolve(101));
      ws.once('error', () => resolve(-1));
    });
    assert.equal(over, 503, 'the cap holds');
    const during = await memory();
    console.log(`# ${N} idle WebSocket clients: ${(held(during) - held(before)).toFixed(1)} MiB held (test clients included)`);
    assert.ok(held(during) - held(before) < 200, `memory grew ${(held(during) - held(before)).toFixed(1)} MiB`);
    const r = await sendRaw(s.smtpPort, 'a@example.test', ['b@example.test'], 'Subject: crowd check\r\n\r\nto everyone\r\n');
    assert.equal(r?.code, 250);
    await eventually(() => received.every((n) => n >= 1), { what: 'every client got the new message', timeout: 30_000 });
    for (const ws of sockets) ws.terminate();
    await eventually(async () => /mailroom_feed_clients 0\b/.test((await (await fetch(`${s.url}/metrics`)).text())), { what: 'the server counts no feed client', timeout: 30_000 });
    const again = await new Promise<number>((resolve) => {
      const ws = new WebSocket(base + '/api/feed', { headers: { origin: s.url } });
      ws.once('open', () => (ws.terminate(), resolve(101)));
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });
    assert.equal(again, 101, 'a slot is free again');
    await fetch(`${s.url}/api/messages`, { method: 'DELETE' });
    await assertHealthy(s, 0);
    const afterwards = await memory();
    assert.ok(held(afterwards) - held(before) < 30, `memory ${(held(afterwards) - held(before)).toFixed(1)} MiB above its level`);
  });
});
