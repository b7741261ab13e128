// Tags and inboxes: list them with counts, rename or delete a tag everywhere, empty an inbox.
// Setting tags on messages is a change (changes.ts).

import { fold } from '../mail/fold.js';
import { normalizeInbox } from '../mail/inbox-route.js';
import { normalizeTag } from '../mail/tags.js';
import type { InboxStats, TagStats } from '../store/store.js';
import type { AppContext } from './context.js';
import { invalid, notFound } from './errors.js';

/** Every tag with how many messages carry it. */
export async function listTags(ctx: AppContext): Promise<TagStats[]> {
  return ctx.store.tags();
}

function tagExists(ctx: AppContext, name: string): boolean {
  const key = fold(normalizeTag(name) ?? '');
  return ctx.store.tags().some((t) => fold(t.name) === key);
}

/** Renames a tag on every message (merging into `to` if that exists); returns how many changed. */
export async function renameTag(ctx: AppContext, from: string, to: string): Promise<number> {
  if (!normalizeTag(to)) throw invalid(`"${to}" is not a usable tag name (letters, digits, - _ . @ and spaces)`, 'name');
  if (!tagExists(ctx, from)) throw notFound(`tag ${from}`);
  return ctx.store.renameTag(from, to);
}

/** Removes a tag from every message; returns how many changed. */
export async function deleteTag(ctx: AppContext, name: string): Promise<number> {
  if (!tagExists(ctx, name)) throw notFound(`tag ${name}`);
  return ctx.store.deleteTag(name);
}

/** Every inbox with its total and unread counts. */
export async function listInboxes(ctx: AppContext): Promise<InboxStats[]> {
  return ctx.store.inboxes();
}

/** Deletes an inbox's mail (the inbox disappears with its last message); `not-found` for an unknown inbox. */
export async function deleteInbox(ctx: AppContext, name: string): Promise<number> {
  const key = normalizeInbox(name);
  if (!ctx.store.inboxes().some((i) => i.name === key)) throw notFound(`inbox ${name}`);
  return ctx.store.clear(key);
}
