// One teardown: start() returns a handle whose close() stops every listener, timer, socket and
// child it created. Fifty starts and closes in one process (with mail, a feed client and an HTTP
// request each time) leave the process's active resources where they began.

import { test } from 'node:test';
import { createHook } from 'node:async_hooks';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startTestServer } from '../helpers/server.js';
import { sendRaw } from '../helpers/smtp-client.js';
import { eventually } from '../helpers/eventually.js';
import { collect } from '../helpers/memory.js';

/** Active resources by type, counted (timers, sockets, servers, ...). */
function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

/**
 * Timers and sockets created while tracking and not yet destroyed. Unlike the active-resources
 * list this also sees unref()'d timers (a heartbeat interval that nobody cleared).
 */
function trackHandles() {
  const alive = new Map<number, string>();
  let recording = true;
  const hook = createHook({
    init(id, type) {
      if (recording && (type === 'Timeout' || type.startsWith('TCP') || type === 'PIPEWRAP')) alive.set(id, type);
    },
    destroy(id) {
      alive.delete(id);
    },
  }).enable();
  return {
    alive: () => [...alive.values()],
    /** Stop recording new handles (the checks' own timers), keep seeing the old ones go. */
    freeze: () => (recording = false),
    stop: () => hook.disable(),
  };
}

const show = (m: Map<string, number>) => JSON.stringify(Object.fromEntries([...m].sort()));

test('50 starts and closes in one process leave no active handles behind', async () => {
  // One warm-up, so lazily created process-wide resources (DNS, crypto pools) are in the baseline.
  const warm = await startTestServer();
  await warm.close();
  const baseline = resources();
  const handles = trackHandles();
  for (let i = 0; i < 50; i++) {
    const s = await startTestServer({ dataDir: '' });
    const r = await sendRaw(s.smtpPort, 'a@example.test', ['b@example.test'], `Subject: run ${i}\r\n\r\nx\r\n`);
    assert.equal(r?.code, 250);
    assert.equal((await fetch(`${s.url}/api/messages`)).status, 200);
    const ws = new WebSocket(s.url.replace(/^http/, 'ws') + '/api/feed', { headers: { origin: s.url } });
    await new Promise((resolve, reject) => {
      ws.once('message', resolve);
      ws.once('error', reject);
    });
    await s.close();
    await new Promise((resolve) => (ws.readyState === ws.CLOSED ? resolve(null) : ws.once('close', resolve)));
  }
  handles.freeze();
  // Sockets the kernel is still tearing down may take a moment to leave the list.
  await eventually(() => {
    const now = resources();
    for (const [kind, n] of now) assert.ok(n <= (baseline.get(kind) ?? 0), `${kind}: ${n} now, ${baseline.get(kind) ?? 0} before; now ${show(now)}, before ${show(baseline)}`);
    return true;
  }, { timeout: 10_000, what: 'active resources back to the baseline' });
  // Every timer and socket the fifty servers created is gone, unref()'d ones included. (A
  // destroyed handle is reported after garbage collection of its wrapper, so collect first.)
  await eventually(async () => {
    await collect();
    assert.deepEqual(handles.alive(), []);
    return true;
  }, { timeout: 10_000, what: 'every handle created by the runs destroyed' });
  handles.stop();
});
