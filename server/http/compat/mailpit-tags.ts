// Mailpit v1 tag routes: list, replace per message, rename and delete. Tag names follow Mailpit's
// rule (letters, digits, - _ . @ and spaces; anything else becomes a space; 1-100 characters).

import type { FastifyInstance } from 'fastify';
import type { MessageStore } from '../../store/store.js';
import { badRequest, ok, sendJson, stringField, stringList } from './mailpit-common.js';
import { sortedTagNames } from './mailpit-list.js';

const MAX_TAG_CHARS = 100;

/** Mailpit's tag cleaning; '' when nothing valid is left. */
export function cleanTag(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9\-_.@ ]/g, ' ').replace(/\s+/g, ' ').trim();
  return cleaned.length > MAX_TAG_CHARS ? '' : cleaned;
}

/** Registers /api/v1/tags routes. */
export async function mailpitTagRoutes(app: FastifyInstance, { store }: { store: MessageStore }): Promise<void> {
  const hide = { schema: { hide: true } };
  const existing = (name: string) => store.tags().find((t) => t.name.toLowerCase() === name.toLowerCase());

  app.get('/api/v1/tags', hide, async (_request, reply) => sendJson(reply, sortedTagNames(store)));

  app.put<{ Body: unknown }>('/api/v1/tags', hide, async (request, reply) => {
    if (!request.body || typeof request.body !== 'object') throw badRequest('EOF');
    const ids = stringList(request.body, 'IDs') ?? [];
    const tags = (stringList(request.body, 'Tags') ?? []).map(cleanTag).filter(Boolean);
    if (ids.length) store.updateTags(ids, { set: tags });
    return ok(reply);
  });

  app.put<{ Params: { tag: string }; Body: unknown }>('/api/v1/tags/:tag', hide, async (request, reply) => {
    const from = request.params.tag;
    const to = cleanTag(stringField(request.body, 'Name') ?? '');
    const current = existing(from);
    if (!current) throw badRequest(`tag not found: ${from}`);
    if (!to) throw badRequest(`invalid tag name: ${stringField(request.body, 'Name') ?? ''}`);
    const clash = existing(to);
    if (clash && clash.name.toLowerCase() !== current.name.toLowerCase()) throw badRequest(`tag already exists: ${to}`);
    store.renameTag(current.name, to);
    return ok(reply);
  });

  app.delete<{ Params: { tag: string } }>('/api/v1/tags/:tag', hide, async (request, reply) => {
    const current = existing(request.params.tag);
    if (!current) throw badRequest(`tag not found: ${request.params.tag}`);
    store.deleteTag(current.name);
    return ok(reply);
  });
}
