// The MailHog v1/v2 API over the same use cases: v2 list and search, v1 single message get/delete,
// download, part download, release and Jim. Replies follow MailHog's: `text/json` lists, empty
// bodies for mutations and errors (the `mailhog` package JSON-parses any non-empty body).
// DELETE /api/v1/messages (delete all) is shared with Mailpit and lives in mailpit-list.ts.

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { JimConfig } from '../../faults/peer-modes.js';
import { RuleError } from '../../faults/rules.js';
import type { StoredMessage } from '../../mail/types.js';
import { DomainError, type App } from '../../app/index.js';
import type { CompatOutbound } from './index.js';
import { compileQuery, QueryError } from '../../mail/search.js';
import { contentDisposition, safeContentType } from '../download.js';
import { headerParam } from '../../mail/parse.js';
import { mailhogMessage } from './mailhog-shapes.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 250; // MailHog clamps v2 pages here

/** MailHog's start/limit: non-numbers and values <= 0 fall back to the defaults. */
function page(query: { start?: string; limit?: string }): { start: number; limit: number } {
  const start = Number.parseInt(query.start ?? '', 10);
  const limit = Number.parseInt(query.limit ?? '', 10);
  return { start: start > 0 ? start : 0, limit: limit > 0 ? Math.min(limit, MAX_LIMIT) : DEFAULT_LIMIT };
}

const empty = (reply: FastifyReply, status: number) => reply.code(status).type('text/json').send('');
const json = (reply: FastifyReply, type: string, value: unknown) => reply.code(200).type(type).send(JSON.stringify(value));

/** A Mailpit-language field filter for a MailHog search value (quotes cannot be escaped, so they are dropped). */
function field(prefix: string, value: string): (m: StoredMessage) => boolean {
  const clean = value.replace(/"/g, ' ').trim();
  try {
    return compileQuery(`${prefix}"${clean}"`);
  } catch (err) {
    if (err instanceof QueryError) return () => false;
    throw err;
  }
}

/** A MailHog search: a test of the stored view, and for `containing` one of the raw bytes too (either may match). */
interface MailhogMatch {
  view: (m: StoredMessage) => boolean;
  raw?: (raw: Buffer) => boolean;
}

/**
 * MailHog's search kinds, case-insensitive substrings: `from` = envelope sender or From header,
 * `to` = envelope recipients or To header, `containing` = any header or the still-encoded body
 * (i.e. the raw message), or the decoded text as Mailroom's free-text search sees it.
 */
export function mailhogSearch(kind: string, query: string): MailhogMatch | null {
  const q = query.toLowerCase();
  switch (kind) {
    case 'from': {
      const header = field('from:', query);
      return { view: (m) => m.envelope.mailFrom.toLowerCase().includes(q) || header(m) };
    }
    case 'to': {
      const header = field('to:', query);
      return { view: (m) => m.envelope.rcptTo.some((r) => r.toLowerCase().includes(q)) || header(m) };
    }
    case 'containing': {
      const text = field('', query);
      // The raw bytes as latin1 hold one char per byte, so a UTF-8 query is compared as bytes too.
      const needle = Buffer.from(q, 'utf8').toString('latin1');
      return { view: text, raw: (raw) => raw.toString('latin1').toLowerCase().includes(needle) };
    }
    default:
      return null;
  }
}

/** A MailHog request body: JSON sent with or without a Content-Type; undefined when empty, null when not JSON. */
function jsonBody(body: unknown): unknown {
  if (body === undefined) return undefined;
  if (!Buffer.isBuffer(body)) return body;
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}

/** A JSON object's value by key, case-insensitively (MailHog decodes with Go's encoding/json). */
/** A JSON string or number as text; anything else (objects, arrays, absent) as ''. */
function scalar(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

function key(obj: unknown, name: string): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

const JIM_KEYS = ['DisconnectChance', 'AcceptChance', 'LinkSpeedAffect', 'LinkSpeedMin', 'LinkSpeedMax', 'RejectSenderChance', 'RejectRecipientChance', 'RejectAuthChance'] as const;

/** Jim settings from a request body (any subset, keys case-insensitive); null when malformed. */
function jimBody(body: unknown): Partial<JimConfig> | null {
  const parsed = jsonBody(body);
  if (parsed === undefined) return {};
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const out: Partial<JimConfig> = {};
  for (const k of JIM_KEYS) {
    const v = key(parsed, k);
    if (v === undefined) continue;
    if (typeof v !== 'number') return null;
    out[k] = v;
  }
  return out;
}

/** Registers the MailHog routes. */
export async function mailhogRoutes(app: FastifyInstance, { useCases, outbound }: { useCases: App; outbound?: CompatOutbound | undefined }): Promise<void> {
  const hide = { schema: { hide: true } };
  /** MailHog's list items carry each message's raw data: read it explicitly, a page at a time. */
  const withRaw = (messages: StoredMessage[]) => Promise.all(messages.map(async (m) => mailhogMessage(m, await useCases.readRaw(m.id))));

  app.get<{ Querystring: { start?: string; limit?: string } }>('/api/v2/messages', hide, async (request, reply) => {
    const { start, limit } = page(request.query);
    const list = await useCases.listMessages({ limit: start + limit });
    const items = await withRaw(list.messages.slice(start));
    return json(reply, 'text/json', { total: list.total, count: items.length, start, items });
  });

  app.get<{ Querystring: { kind?: string; query?: string; start?: string; limit?: string } }>('/api/v2/search', hide, async (request, reply) => {
    const query = request.query.query ?? '';
    const match = mailhogSearch(request.query.kind ?? '', query);
    if (!match || !query) return empty(reply, 400);
    const { start, limit } = page(request.query);
    let matches: StoredMessage[];
    let total: number;
    if (match.raw) {
      // The raw bytes are read explicitly, one message at a time, only where the view did not match.
      matches = [];
      for (const m of await useCases.selectMessages({})) {
        if (match.view(m) || match.raw(await useCases.readRaw(m.id).catch(() => Buffer.alloc(0)))) matches.push(m);
      }
      total = matches.length;
      matches = matches.slice(0, start + limit);
    } else {
      const list = await useCases.listMessages({ limit: start + limit, filter: match.view });
      matches = list.messages;
      total = list.total;
    }
    const items = await withRaw(matches.slice(start));
    // MailHog's memory store reports total 0 when start is past the matches.
    return json(reply, 'application/json', { total: start >= total ? 0 : total, count: items.length, start, items });
  });

  // MailHog's memory store answers an unknown id with 200 and a JSON null.
  app.get<{ Params: { id: string } }>('/api/v1/messages/:id', hide, async (request, reply) => {
    const m = await useCases.findMessage(request.params.id);
    return json(reply, 'text/json', m ? mailhogMessage(m, await useCases.readRaw(m.id)) : null);
  });

  app.delete<{ Params: { id: string } }>('/api/v1/messages/:id', hide, async (request, reply) => {
    return empty(reply, (await useCases.deleteMessages({ ids: [request.params.id] })) === 1 ? 200 : 500);
  });

  app.get<{ Params: { id: string } }>('/api/v1/messages/:id/download', hide, async (request, reply) => {
    const m = await useCases.findMessage(request.params.id);
    if (!m) return empty(reply, 404);
    return reply.type('message/rfc822').header('Content-Disposition', contentDisposition(`${m.id}.eml`, 'message.eml')).send(await useCases.readRaw(m.id));
  });

  app.get<{ Params: { id: string; n: string } }>('/api/v1/messages/:id/mime/part/:n/download', hide, async (request, reply) => {
    const m = await useCases.findMessage(request.params.id);
    const part = m ? mailhogMessage(m, await useCases.readRaw(m.id)).MIME?.Parts[Number(request.params.n)] : undefined;
    if (!m || !part || !/^\d+$/.test(request.params.n)) return empty(reply, 404);
    const cte = (part.Headers['Content-Transfer-Encoding']?.[0] ?? '').trim().toLowerCase();
    const body = cte === 'base64' ? Buffer.from(part.Body.replace(/\s+/g, ''), 'base64') : Buffer.from(part.Body, 'utf8');
    // The part's own headers are sender-controlled: its file name is read from them and written
    // again as a safe Content-Disposition (no path, no control or bidi characters); its type is
    // served only when it is a plain raster image.
    const type = part.Headers['Content-Type']?.[0];
    const name = headerParam(part.Headers['Content-Disposition']?.[0], 'filename') ?? headerParam(type, 'name');
    return reply
      .type(safeContentType(type ?? ''))
      .header('Content-Disposition', contentDisposition(name, `${m.id}-part-${request.params.n}`))
      .header('Content-Security-Policy', "sandbox; default-src 'none'")
      .send(body);
  });

  // MailHog releases to any server the request names; Mailroom sends only where the user pointed
  // it (--relay-host). So a release is delivered when it names that server (host and port), and
  // otherwise fails as a MailHog release to an unreachable server does: 500, empty body. The
  // `mailhog` package sends the JSON without a Content-Type, so this route accepts untyped bodies.
  app.post<{ Params: { id: string }; Body: unknown }>('/api/v1/messages/:id/release', { ...hide, config: { untypedBody: true } }, async (request, reply) => {
    const m = await useCases.findMessage(request.params.id);
    const body = jsonBody(request.body);
    if (!m || !body || typeof body !== 'object') return empty(reply, 500);
    const host = scalar(key(body, 'Host')).trim().toLowerCase();
    const port = scalar(key(body, 'Port')).trim();
    const email = scalar(key(body, 'Email')).trim();
    if (!host && key(body, 'Name') !== undefined) return empty(reply, 400); // a saved server Mailroom does not have
    const relay = outbound?.relay;
    const target = relay?.describe();
    if (!relay || !target?.configured || target.host.toLowerCase() !== host || String(target.port) !== port || !email) return empty(reply, 500);
    const record = await useCases.releaseMessage(m.id, [email]).catch((err: unknown) => {
      if (err instanceof DomainError) return null; // refused before sending: MailHog's failed release
      throw err;
    });
    if (!record) return empty(reply, 500);
    return empty(reply, record.ok ? 200 : 500);
  });

  // Jim (MailHog's chaos monkey) maps onto failure-injection rules (jim-*). Statuses as MailHog:
  // GET 200/404, POST 201 (400 when already on), PUT 200 (404 when off), DELETE 200 (404 when off).
  const jimRoute = { ...hide, config: { untypedBody: true } };
  app.get('/api/v2/jim', jimRoute, async (_request, reply) => {
    const jim = outbound?.peerModes.getJim();
    return jim ? json(reply, 'application/json', jim) : empty(reply, 404);
  });
  app.post<{ Body: unknown }>('/api/v2/jim', jimRoute, async (request, reply) => {
    if (!outbound) return empty(reply, 404);
    if (outbound.peerModes.getJim()) return empty(reply, 400);
    return setJim(request.body, reply, 201);
  });
  app.put<{ Body: unknown }>('/api/v2/jim', jimRoute, async (request, reply) => {
    if (!outbound?.peerModes.getJim()) return empty(reply, 404);
    return setJim(request.body, reply, 200);
  });
  app.delete('/api/v2/jim', jimRoute, async (_request, reply) => empty(reply, outbound?.peerModes.disableJim() ? 200 : 404));

  function setJim(body: unknown, reply: FastifyReply, status: number): FastifyReply {
    const config = jimBody(body);
    if (!config || !outbound) return empty(reply, 400);
    try {
      outbound.peerModes.enableJim(config);
    } catch (err) {
      if (err instanceof RuleError) return empty(reply, 400);
      throw err;
    }
    return empty(reply, status);
  }

  app.get('/api/v2/outgoing-smtp', hide, async (_request, reply) => json(reply, 'application/json', {}));
}
