// Mailpit v1 single-message routes (ids or `latest[?query=]`): summary (marks read), headers,
// raw, parts, thumbnails, the /view/{id}.html|.txt renderings, release and the checks.
// Features Mailroom does not have answer exactly as Mailpit does when they are off.

import type { FastifyInstance } from 'fastify';
import { DomainError, type App } from '../../app/index.js';
import { sendPreview } from '../preview.js';
import { contentDisposition } from '../download.js';
import { MailpitError, badRequest, ok, pageNotFound, resolveMessage, sendJson, stringList } from './mailpit-common.js';
import { mailpitHeaders, mailpitMessage } from './mailpit-shapes.js';
import { BLANK_THUMBNAIL_JPEG } from './blank-thumbnail.js';

export interface MailpitMessageDeps {
  useCases: App;
}

const ADDRESS = /^[^\s<>@,;:"]+@[^\s<>@,;:"]+$/;

type IdParams = { Params: { id: string }; Querystring: { query?: string; tz?: string } };

/** Registers the Mailpit single-message and view routes. */
export async function mailpitMessageRoutes(app: FastifyInstance, { useCases }: MailpitMessageDeps): Promise<void> {
  const hide = { schema: { hide: true } };
  const load = (id: string, query?: string, tz?: string) => resolveMessage(useCases, id, query, tz);

  app.get<IdParams>('/api/v1/message/:id', hide, async (request, reply) => {
    const m = await load(request.params.id, request.query.query, request.query.tz);
    const p = await useCases.parsedMessage(m);
    await useCases.markRead([m.id], true);
    return sendJson(reply, mailpitMessage(m, p));
  });

  app.get<IdParams>('/api/v1/message/:id/headers', hide, async (request, reply) => {
    const m = await load(request.params.id, request.query.query, request.query.tz);
    return sendJson(reply, mailpitHeaders(m, await useCases.parsedMessage(m)));
  });

  app.get<IdParams & { Querystring: { dl?: string } }>('/api/v1/message/:id/raw', hide, async (request, reply) => {
    const m = await load(request.params.id, request.query.query, request.query.tz);
    reply.type('text/plain; charset=utf-8');
    if (request.query.dl === '1' || request.query.dl === 'true') reply.header('Content-Disposition', contentDisposition(`${m.id}.eml`, 'message.eml'));
    return reply.send(await useCases.readRaw(m.id));
  });

  app.get<{ Params: { id: string; partId: string }; Querystring: { query?: string; tz?: string } }>('/api/v1/message/:id/part/:partId', hide, async (request, reply) => {
    const m = await load(request.params.id, request.query.query, request.query.tz);
    const part = (await useCases.parsedMessage(m)).parts.find((x) => x.id === request.params.partId);
    if (!part) throw pageNotFound();
    // The part's own type (clients read it from the Blob), made harmless by a sandbox CSP:
    // an HTML or SVG attachment opened from here runs no script and gets an opaque origin.
    return reply
      .type(part.contentType || 'application/octet-stream')
      .header('Content-Disposition', contentDisposition(part.filename, `part-${part.id}`, 'inline'))
      .header('Content-Security-Policy', "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'")
      .send(part.content);
  });

  // Mailroom never decodes images on the server (decompression bombs, decoder bugs), so every
  // thumbnail is Mailpit's own placeholder for "no thumbnail": a blank 180x120 JPEG.
  app.get<{ Params: { id: string; partId: string } }>('/api/v1/message/:id/part/:partId/thumb', hide, async (request, reply) => {
    const m = await useCases.findMessage(request.params.id); // Mailpit does not resolve `latest` here
    if (!m) throw pageNotFound();
    if (!m.view.parts.some((p) => p.id === request.params.partId)) throw pageNotFound();
    return reply.type('image/jpeg').send(BLANK_THUMBNAIL_JPEG);
  });

  for (const ext of ['html', 'txt'] as const) {
    app.get<IdParams>(`/view/:id.${ext}`, hide, async (request, reply) => {
      const m = await load(request.params.id, request.query.query, request.query.tz);
      const p = await useCases.parsedMessage(m, { inlineImages: ext === 'html' });
      await useCases.markRead([m.id], true);
      if (ext === 'txt') return reply.type('text/plain; charset=utf-8').send(p.text ?? '');
      if (p.html === null) throw new MailpitError(404, 'This message does not contain a HTML part');
      // Mail HTML on our origin: always under the preview's sandboxing CSP (no scripts, opaque
      // origin). cid: images come inlined as data: URLs rather than as part links.
      return sendPreview(reply, p, false);
    });
  }

  // Release goes through Mailroom's relay (--relay-host), with Mailpit's checks and replies:
  // unknown id 404, bad address / allowlist / no relay / SMTP failure 400 as text, else `ok`.
  app.post<{ Params: { id: string }; Body: unknown }>('/api/v1/message/:id/release', hide, async (request, reply) => {
    const m = await load(request.params.id);
    if (request.body === undefined || request.body === null || typeof request.body !== 'object') throw badRequest('EOF');
    const to = (stringList(request.body, 'To') ?? []).map((a) => a.trim());
    for (const address of to) if (!ADDRESS.test(address)) throw badRequest(`Invalid email address: ${address}`);
    if (to.length === 0) throw badRequest('No valid addresses found');
    const record = await useCases.releaseMessage(m.id, to).catch((err: unknown) => {
      if (!(err instanceof DomainError)) throw err;
      if (err.code === 'relay_not_configured') throw badRequest('SMTP error: no SMTP relay configured');
      throw badRequest(err.code === 'recipient_not_allowed' ? `Failed: ${err.message}` : `SMTP error: ${err.message}`);
    });
    if (!record.ok) throw badRequest(`SMTP error: ${record.error ?? record.response ?? 'the upstream server refused the message'}`);
    return ok(reply);
  });

  // No caniemail data set in Mailroom: the HTML check is unavailable rather than approximated.
  app.get<IdParams>('/api/v1/message/:id/html-check', hide, async (request) => {
    const m = await load(request.params.id, request.query.query, request.query.tz);
    if ((await useCases.parsedMessage(m)).html === null) throw badRequest('message does not contain HTML');
    throw badRequest('HTML check is not available in Mailroom');
  });

  // The link check makes outbound requests; Mailroom makes none unless a feature asks for it,
  // so it answers as Mailpit does when link checking is disabled.
  app.get<IdParams>('/api/v1/message/:id/link-check', hide, async (request) => {
    await load(request.params.id, request.query.query, request.query.tz);
    throw badRequest('Link checking is disabled');
  });

  // Mailpit registers sa-check only when SpamAssassin is enabled; otherwise the /api/ file
  // handler answers 404 "File not found". /api/v1/webui reports SpamAssassin: false.
  app.get('/api/v1/message/:id/sa-check', hide, async () => {
    throw new MailpitError(404, 'File not found');
  });
}
