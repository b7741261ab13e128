// Mailpit v1 tag routes: list, replace per message, rename and delete, over the store's tags.
// Names go through the same normalisation as every tag (mail/tags.ts, Mailpit's rule).

import type { FastifyInstance } from 'fastify';
import { normalizeTag } from '../../mail/tags.js';
import type { App } from '../../app/index.js';
import { badRequest, ok, sendJson, stringField, stringList } from './mailpit-common.js';
import { sortedTagNames } from './mailpit-list.js';

/** Registers /api/v1/tags routes. */
export async function mailpitTagRoutes(app: FastifyInstance, { useCases }: { useCases: App }): Promise<void> {
  const hide = { schema: { hide: true } };
  const existing = async (name: string) => (await useCases.listTags()).find((t) => t.name.toLowerCase() === name.toLowerCase());

  app.get('/api/v1/tags', hide, async (_request, reply) => sendJson(reply, await sortedTagNames(useCases)));

  app.put<{ Body: unknown }>('/api/v1/tags', hide, async (request, reply) => {
    if (!request.body || typeof request.body !== 'object') throw badRequest('EOF');
    const ids = stringList(request.body, 'IDs') ?? [];
    const tags = (stringList(request.body, 'Tags') ?? []).map(normalizeTag).filter((t): t is string => t !== null);
    if (ids.length) await useCases.changeMessages({ ids }, { tags });
    return ok(reply);
  });

  app.put<{ Params: { tag: string }; Body: unknown }>('/api/v1/tags/:tag', hide, async (request, reply) => {
    const from = request.params.tag;
    const to = normalizeTag(stringField(request.body, 'Name') ?? '');
    const current = await existing(from);
    if (!current) throw badRequest(`tag not found: ${from}`);
    if (!to) throw badRequest(`invalid tag name: ${stringField(request.body, 'Name') ?? ''}`);
    const clash = await existing(to);
    if (clash && clash.name.toLowerCase() !== current.name.toLowerCase()) throw badRequest(`tag already exists: ${to}`);
    await useCases.renameTag(current.name, to);
    return ok(reply);
  });

  app.delete<{ Params: { tag: string } }>('/api/v1/tags/:tag', hide, async (request, reply) => {
    const current = await existing(request.params.tag);
    if (!current) throw badRequest(`tag not found: ${request.params.tag}`);
    await useCases.deleteTag(current.name);
    return ok(reply);
  });
}
