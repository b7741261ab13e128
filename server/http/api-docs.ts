// API documentation generated from the route schemas (no second hand-written copy): @fastify/swagger
// collects every route's JSON schema into an OpenAPI 3.1 document served at /api/openapi.json, and
// /api/docs is a small self-contained page rendering it (own script and stylesheet, no CDN, so it
// works offline and under the UI's strict CSP). The only importer of @fastify/swagger.

import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { version } from '../paths.js';
import { UI_CSP } from './static.js';
import { DOCS_CSS, DOCS_HTML, DOCS_JS } from './docs/page.js';

/** Route groups (OpenAPI tags) by URL, for routes that do not name their own. */
const TAGS: ReadonlyArray<[RegExp, string]> = [
  [/^\/api\/(messages|inboxes|tags)(\/|$)/, 'messages'],
  [/^\/api\/(faults|rejected|sessions)(\/|$)/, 'faults'],
  [/^\/api\/(relay|webhooks)(\/|$)/, 'outbound'],
  [/^\/(api\/(info|openapi\.json)|livez|readyz|metrics)$/, 'server'],
];
const tagOf = (url: string): string | null => TAGS.find(([re]) => re.test(url))?.[1] ?? null;

const RESPONSE_TEXT: Record<string, string> = {
  200: 'OK',
  400: 'Invalid request: {"error":{"code","message"}} says what and where',
  404: 'No such message or part',
  413: 'Request body too large',
  408: 'Nothing matched within the timeout; the error lists what arrived instead',
  415: 'Mutations need Content-Type: application/json',
  429: 'Too many waits held at once',
  503: 'Not ready, or shutting down',
};

/** Response schemas with a description (OpenAPI requires one; fastify ignores it). */
function describeResponses(response: unknown): unknown {
  if (!response || typeof response !== 'object') return response;
  const out: Record<string, unknown> = {};
  for (const [code, schema] of Object.entries(response as Record<string, Record<string, unknown>>)) {
    out[code] = schema.description || !RESPONSE_TEXT[code] ? schema : { ...schema, description: RESPONSE_TEXT[code] };
  }
  return out;
}

/** Registers the generator (before any route, it records routes as they are added) and the doc routes. */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Mailroom API',
        version,
        description: 'Native API of Mailroom, a mail-capture server for developers. Errors are JSON: {"error":{"code","message"}}.',
      },
      tags: [
        { name: 'messages', description: 'Captured messages: list, search, read, mark, delete' },
        { name: 'faults', description: 'Failure injection rules, refused SMTP attempts, SMTP sessions and transcripts' },
        { name: 'outbound', description: 'Release/relay settings and webhooks' },
        { name: 'server', description: 'Health, info, metrics and this document' },
      ],
    },
    transform: ({ schema, url }) => {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- routes registered without a schema arrive here with none
      const s = { ...(schema ?? {}) } as Record<string, unknown>;
      if (!s.tags) {
        const tag = tagOf(url);
        if (tag) s.tags = [tag];
      }
      if (s.response) s.response = describeResponses(s.response);
      return { schema: s, url };
    },
  });

  app.get('/api/openapi.json', { schema: { summary: 'This API described as OpenAPI 3.1' } }, async () => app.swagger());

  const page = (reply: FastifyReply, type: string, body: string) =>
    reply.type(type).header('Content-Security-Policy', UI_CSP).header('X-Frame-Options', 'DENY').header('Cache-Control', 'no-cache').send(body);
  app.get('/api/docs', { schema: { hide: true } }, async (_request, reply) => page(reply, 'text/html; charset=utf-8', DOCS_HTML));
  app.get('/api/docs/docs.js', { schema: { hide: true } }, async (_request, reply) => page(reply, 'text/javascript; charset=utf-8', DOCS_JS));
  app.get('/api/docs/docs.css', { schema: { hide: true } }, async (_request, reply) => page(reply, 'text/css; charset=utf-8', DOCS_CSS));
}
