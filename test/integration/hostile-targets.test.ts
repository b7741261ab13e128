// SSRF through the outbound features: a relay host or webhook URL that is, resolves to, or
// redirects to a loopback, private, link-local (cloud metadata) or other non-public address is
// refused by default, with an error naming --outbound-allow-private, and nothing is contacted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestServer } from '../helpers/server.js';
import { sendRaw } from '../helpers/smtp-client.js';
import { getJson } from '../helpers/api.js';
import { ConfigError } from '../../server/config.js';
import { internalKind } from '../../server/outbound/target-guard.js';
import type { Webhooks } from '../../server/outbound/webhooks.js';

const FLAG = /--outbound-allow-private/;

test('address kinds: every non-public range is named, public addresses pass', () => {
  const cases: Record<string, string | null> = {
    '127.0.0.1': 'loopback', '127.8.9.10': 'loopback', '::1': 'loopback',
    '0.0.0.0': 'unspecified', '::': 'unspecified',
    '10.1.2.3': 'private', '172.16.0.1': 'private', '172.31.255.255': 'private', '192.168.1.1': 'private', 'fd00::1': 'private', 'fec0::1': 'private',
    '169.254.169.254': 'link-local', 'fe80::1': 'link-local',
    '100.64.0.1': 'carrier-grade NAT', '224.0.0.1': 'multicast', 'ff02::1': 'multicast', '255.255.255.255': 'reserved', '198.18.0.1': 'reserved',
    '::ffff:127.0.0.1': 'loopback', '::ffff:7f00:1': 'loopback', '::ffff:a9fe:a9fe': 'link-local', '::ffff:8.8.8.8': null, '64:ff9b::7f00:1': 'IPv4-in-IPv6', '2002:7f00:1::': 'IPv4-in-IPv6', '2001:0:4136:e378::1': 'IPv4-in-IPv6', '::127.0.0.1': 'IPv4-in-IPv6',
    '8.8.8.8': null, '1.1.1.1': null, '172.32.0.1': null, '100.128.0.1': null, '2606:4700:4700::1111': null, 'example.test': null,
  };
  for (const [address, kind] of Object.entries(cases)) assert.equal(internalKind(address), kind, address);
});

test('a relay host or webhook URL that is plainly internal stops the start, naming the option', async () => {
  const relays = ['127.0.0.1', 'localhost', 'LOCALHOST.', 'metadata.localhost', '::1', '[::1]', '169.254.169.254', '10.0.0.5', '100.64.1.1', '0.0.0.0', '::ffff:127.0.0.1', '64:ff9b::a9fe:a9fe'];
  for (const relayHost of relays) {
    await assert.rejects(startTestServer({ relayHost, relayPort: 25 }), (err: Error) => err instanceof ConfigError && FLAG.test(err.message) && err.message.includes('--relay-host'), relayHost);
  }
  const hooks = ['http://169.254.169.254/latest/meta-data/', 'http://[::1]:8080/hook', 'https://localhost/hook', 'http://[::ffff:a9fe:a9fe]/', 'http://2130706433/', 'http://0x7f.1/'];
  for (const url of hooks) {
    await assert.rejects(startTestServer({ webhookUrls: [url] }), (err: Error) => err instanceof ConfigError && FLAG.test(err.message) && err.message.includes('--webhook-url'), url);
  }
  // With the option, the same targets start.
  const allowed = await startTestServer({ relayHost: '127.0.0.1', relayPort: 25, webhookUrls: ['http://169.254.169.254/'], webhookRetries: 0, outboundAllowPrivate: true });
  await allowed.close();
});

/** A name that resolves to an internal address here (this host's own name on most machines). */
async function internalName(): Promise<string | null> {
  const name = hostname();
  const found = await lookup(name, { all: true }).catch(() => []);
  return found.length && found.every((a) => internalKind(a.address) !== null) ? name : null;
}

test('a name that resolves to an internal address is refused when used: release and webhooks', async (t) => {
  const name = await internalName();
  // Deliberate: the test needs a real DNS name (not an IP literal, not *.localhost, which are
  // refused before any lookup) that resolves to an internal address without the network. The
  // host's own name does on Debian (/etc/hosts: 127.0.1.1) and in containers (a private address);
  // only a host whose name resolves to a public address has none, and then the case cannot be built.
  if (!name) return t.skip(`this host's name (${hostname()}) does not resolve to an internal address here`);
  let hits = 0;
  const rx = createServer((_req, res) => {
    hits++;
    res.end('ok');
  });
  await new Promise<void>((r) => rx.listen(0, r)); // every interface: reachable through the name
  const rxPort = (rx.address() as AddressInfo).port;
  const upstream = await startTestServer({ smtp: { host: '0.0.0.0', port: 0 } });
  const s = await startTestServer({ relayHost: name, relayPort: upstream.smtpPort, relaySecurity: 'none', relayAllowedRecipients: /@allowed\.test$/, webhookUrls: [`http://${name}:${rxPort}/hook`], webhookRetries: 2, webhookBackoff: 10 });
  try {
    const r = await sendRaw(s.smtpPort, 'a@example.test', ['b@example.test'], 'Subject: reset link\r\n\r\nhttps://app.test/reset?t=secret\r\n');
    const id = /queued as (\S+)/.exec(r!.text)![1]!;
    const res = await fetch(`${s.url}/api/messages/${id}/release`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: ['x@allowed.test'] }) });
    const body = (await res.json()) as { error: { code: string; message: string }; result?: { error: string } };
    assert.equal(res.status, 502);
    assert.match(body.result?.error ?? body.error.message, FLAG);
    assert.match(body.result?.error ?? body.error.message, new RegExp(`relay host ${name} resolves to .*, a \\w`));
    await s.unhappy.webhooks!.idle();
    const status = (await getJson<ReturnType<Webhooks['status']>>(`${s.url}/api/webhooks`)).body;
    assert.match(status.endpoints[0]!.lastError ?? '', FLAG);
    assert.equal(status.recent[0]!.attempts, 1, 'a refused target is not retried');
    assert.equal(hits, 0, 'the webhook receiver was never contacted');
    assert.equal(upstream.store.stats().count, 0, 'the upstream never got the message');
  } finally {
    await s.close();
    await upstream.close();
    rx.closeAllConnections();
    await new Promise((r) => rx.close(r));
  }
});

test('a webhook redirect is never followed: the redirect target is not contacted', async () => {
  let redirected = 0;
  const inner = createServer((_req, res) => {
    redirected++;
    res.end('metadata');
  });
  await new Promise<void>((r) => inner.listen(0, '127.0.0.1', r));
  const innerUrl = `http://127.0.0.1:${(inner.address() as AddressInfo).port}/latest/meta-data/`;
  const outer = createServer((_req, res) => res.writeHead(302, { location: innerUrl }).end());
  await new Promise<void>((r) => outer.listen(0, '127.0.0.1', r));
  const s = await startTestServer({ outboundAllowPrivate: true, webhookUrls: [`http://127.0.0.1:${(outer.address() as AddressInfo).port}/hook`], webhookRetries: 2, webhookBackoff: 10 });
  try {
    await sendRaw(s.smtpPort, 'a@example.test', ['b@example.test'], 'Subject: x\r\n\r\ny\r\n');
    await s.unhappy.webhooks!.idle();
    const status = s.unhappy.webhooks!.status();
    assert.equal(status.endpoints[0]!.lastStatus, 302);
    assert.equal(status.endpoints[0]!.failed, 1);
    assert.equal(redirected, 0, 'the Location was not fetched');
  } finally {
    await s.close();
    for (const server of [inner, outer]) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }
});
