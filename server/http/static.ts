// Serves the built web inbox (a small static bundle, read into memory once) with a strict CSP.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { errorBody } from './errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The UI document's policy: only our own scripts; frames only from us (the preview route). */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  type: string;
  immutable: boolean;
}

function readBundle(root: string): Map<string, Asset> {
  const files = new Map<string, Asset>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const path = '/' + relative(root, full).split(sep).join('/');
        files.set(path, {
          body: readFileSync(full),
          type: TYPES[extname(name)] ?? 'application/octet-stream',
          immutable: path.startsWith('/assets/'), // Vite puts content hashes in these names
        });
      }
    }
  };
  walk(root);
  return files;
}

/** Registers the UI routes; when the bundle is missing, / explains how to build it. */
export async function staticRoutes(app: FastifyInstance, { webRoot }: { webRoot: string | null }): Promise<void> {
  let files = new Map<string, Asset>();
  try {
    if (webRoot) files = readBundle(webRoot);
  } catch {
    files = new Map();
  }
  const send = (reply: FastifyReply, asset: Asset) =>
    reply
      .type(asset.type)
      .header('Cache-Control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('Content-Security-Policy', UI_CSP)
      .header('X-Frame-Options', 'DENY')
      .send(asset.body);

  const index = files.get('/index.html');
  const sendIndex = (reply: FastifyReply) =>
    index ? send(reply, index) : reply.code(503).send(errorBody('ui_not_built', 'the web UI is not built; run `npm run build`'));

  app.get('/', { schema: { hide: true } }, async (_request, reply) => sendIndex(reply));
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = decodeURIComponent(request.url.split('?')[0]!);
    const asset = files.get(path);
    if (asset) return send(reply, asset);
    // Client-side routes (/messages/<id>) get the app; anything that looks like a file is a 404.
    if (!path.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(path)) return sendIndex(reply);
    return reply.code(404).send(errorBody('not_found', `no route for GET ${path}`));
  });
}
