// The OpenAPI document is generated from the route schemas and is valid OpenAPI 3.1 listing every
// native /api route; the /api/docs page renders it in a real browser with no outbound request.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { chromium, type BrowserContext } from 'playwright-core';
import { buildApp } from '../../server/http/app.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { createEventBus } from '../../server/events/bus.js';
import { startTestServer } from '../helpers/server.js';
import { CHROMIUM_ARGS, chromiumExecutable } from '../helpers/find-chromium.js';
import type { Mailroom } from '../../server/start.js';
import { fileTeardown } from '../helpers/teardown.js';

interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { summary?: string; tags?: string[] }>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const COMPAT_PREFIXES = ['/api/v1/', '/api/v2/', '/api/events']; // Mailpit/MailHog dialects: not the native API

/** Every route of the app as "METHOD /path/{param}", read from fastify's own route tree. */
async function appRoutes(): Promise<string[]> {
  const bus = createEventBus();
  const app = await buildApp({
    store: createMemoryStore({ maxMessages: 10, maxBytes: 1e6, bus }),
    bus,
    maxWait: 1000,
    allowedHosts: [],
    webRoot: null,
    logger: false,
    info: () => ({}),
    ready: () => true,
    metrics: { contentType: 'text/plain', render: async () => '' },
  });
  await app.ready();
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ├└─]*)(\S.*?) \(([A-Z, ]+)\)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4 - 1; // the root '/' is drawn at one level of indent
    const path = (depth === 0 ? '' : stack[depth - 1]!) + m[2]!;
    stack[depth] = path;
    for (const method of m[3]!.split(', ')) out.push(`${method.toLowerCase()} ${path.replace(/:(\w+)/g, '{$1}')}`);
  }
  await app.close();
  return out;
}

let server: Mailroom;
let doc: OpenApiDoc;
const teardown = fileTeardown();
before(async () => {
  server = teardown.add(await startTestServer(), 'server');
  const res = await fetch(`${server.url}/api/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  doc = (await res.json()) as OpenApiDoc;
});

test('the document is valid OpenAPI 3.1 with our title and version', async () => {
  assert.match(doc.openapi, /^3\.1\./);
  assert.equal(doc.info.title, 'Mailroom API');
  await SwaggerParser.validate(structuredClone(doc) as never);
});

test('every native /api route, health and metrics route is documented with a summary', async () => {
  const routes = await appRoutes();
  const native = routes.filter((r) => {
    const [method, path] = r.split(' ') as [string, string];
    if (!METHODS.includes(method)) return false;
    if (path.startsWith('/api/docs')) return false; // the page itself, hidden on purpose
    if (COMPAT_PREFIXES.some((p) => path.startsWith(p))) return false;
    return path.startsWith('/api/') || ['/livez', '/readyz', '/metrics'].includes(path);
  });
  assert.ok(native.length >= 15, `found ${native.length} routes: ${native.join(', ')}`);
  for (const route of native) {
    const [method, path] = route.split(' ') as [string, string];
    const op = doc.paths[path]?.[method];
    assert.ok(op, `${route} is in openapi.json`);
    assert.ok(op.summary && op.summary.length > 5, `${route} has a summary`);
    assert.ok(op.tags?.length, `${route} is grouped under a tag`);
  }
  assert.ok(!Object.keys(doc.paths).some((p) => p.startsWith('/api/docs')), 'the page is not an API operation');
  // Routes start.ts adds after buildApp (failure injection, sessions, outbound) are held to the same bar.
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      assert.ok(op.summary, `${method} ${path} has a summary`);
      assert.ok(op.tags?.length, `${method} ${path} is grouped under a tag`);
    }
  }
});

test('the docs page renders every operation in chromium without any outbound request', async (t) => {
  const executablePath = chromiumExecutable();
  let browser: BrowserContext | undefined; // eslint-disable-line prefer-const -- assigned after t.after() is registered
  const profile = mkdtempSync(join(tmpdir(), 'mailroom-docs-chromium-'));
  t.after(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
  });
  // A fresh profile directory each run (launchPersistentContext is playwright's --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  const page = await browser.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  const res = await page.goto(`${server.url}/api/docs`);
  assert.equal(res?.status(), 200);
  assert.match(res.headers()['content-security-policy'] ?? '', /script-src 'self'/);
  await page.waitForSelector('body[data-operations]', { timeout: 10_000 });
  const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).filter((k) => METHODS.includes(k)).length, 0);
  assert.equal(await page.getAttribute('body', 'data-operations'), String(operations));
  assert.equal(await page.locator('section.op').count(), operations);
  const text = await page.locator('main').innerText();
  assert.ok(text.includes('/api/messages/{id}/raw'));
  assert.ok(text.includes('List or search messages, newest first'));
  assert.ok(text.includes('nextCursor'), 'response shapes are rendered');
  assert.ok(await page.locator('nav a').count() === operations, 'table of contents links every operation');
  assert.deepEqual(problems, [], 'no console errors, CSP violations or page errors');
  const outside = requests.filter((u) => !u.startsWith(server.url + '/'));
  assert.deepEqual(outside, [], 'every request goes to the Mailroom server itself');
  assert.ok(requests.some((u) => u.endsWith('/api/openapi.json')) && requests.some((u) => u.endsWith('/api/docs/docs.js')));
});
