// Changing messages: read flags, tags and deletion, for one message, a list of ids or everything in
// a scope. Each store mutation is published on the bus by the store, so every feed, wait and
// (later) IMAP IDLE sees it whichever door made it.

import { normalizeTag } from '../mail/tags.js';
import type { StoredMessage } from '../mail/types.js';
import type { AppContext } from './context.js';
import { invalid, notFound } from './errors.js';
import { getMessage } from './messages.js';
import { isScoped, scopeOf, type SearchInput } from './scope.js';

/** Which messages a bulk change covers: explicit ids, or everything in a scope (all when empty). */
export interface Target extends SearchInput {
  ids?: readonly string[] | undefined;
}

/** What to change: the read flag, and/or the tags (replace all, or add and remove some). */
export interface MessageChange {
  read?: boolean | undefined;
  tags?: readonly string[] | undefined;
  addTags?: readonly string[] | undefined;
  removeTags?: readonly string[] | undefined;
}

/** Rejects tags with no usable characters (they would otherwise vanish silently). */
function checkTags(...lists: Array<readonly string[] | undefined>): void {
  for (const list of lists) {
    for (const t of list ?? []) {
      if (!normalizeTag(t)) throw invalid(`tag ${JSON.stringify(t)} has no usable characters (letters, digits, - _ . @ and spaces)`, 'tags');
    }
  }
}

/** The ids a target names; ids together with a scope is `invalid`. */
async function idsOf(ctx: AppContext, target: Target): Promise<readonly string[]> {
  if (!target.ids) return ctx.store.select(scopeOf(target)).map((m) => m.id);
  if (isScoped(target)) throw invalid('give either ids or inbox/query, not both', 'ids');
  return target.ids;
}

const isTagging = (change: MessageChange) => change.tags !== undefined || change.addTags !== undefined || change.removeTags !== undefined;

/** Changes one message; `not-found` when it does not exist. Returns the message after the change. */
export async function updateMessage(ctx: AppContext, id: string, change: MessageChange): Promise<StoredMessage> {
  const m = await getMessage(ctx, id);
  checkTags(change.tags, change.addTags);
  if (change.read !== undefined) ctx.store.setRead([m.id], change.read);
  if (isTagging(change)) ctx.store.updateTags([m.id], { set: change.tags, add: change.addTags, remove: change.removeTags });
  return m;
}

/** Changes every targeted message; returns how many actually changed. */
export async function changeMessages(ctx: AppContext, target: Target, change: MessageChange): Promise<number> {
  const tagging = isTagging(change);
  if (change.read === undefined && !tagging) throw invalid('nothing to change: give read, tags, addTags or removeTags');
  checkTags(change.tags, change.addTags);
  const ids = await idsOf(ctx, target);
  const updated = new Set<string>();
  if (change.read !== undefined) {
    for (const id of ids) if (ctx.store.get(id)?.read === !change.read) updated.add(id);
    ctx.store.setRead(ids, change.read);
  }
  if (tagging) for (const m of ctx.store.updateTags(ids, { set: change.tags, add: change.addTags, remove: change.removeTags })) updated.add(m.id);
  return updated.size;
}

/** Marks messages read or unread: the given ids, or all (optionally in one inbox). Returns how many changed. */
export async function markRead(ctx: AppContext, target: readonly string[] | { all: true; inbox?: string | null }, read: boolean): Promise<number> {
  return ctx.store.setRead(target, read);
}

/** Deletes one message; `not-found` when it does not exist. */
export async function deleteMessage(ctx: AppContext, id: string): Promise<void> {
  if (ctx.store.delete([id]) === 0) throw notFound(`message ${id}`);
}

/** Deletes the targeted messages (everything when the target is empty); returns how many existed. */
export async function deleteMessages(ctx: AppContext, target: Target): Promise<number> {
  if (target.ids && target.ids.length === 0) throw invalid('ids is empty; omit it to delete all messages', 'ids');
  if (!target.ids && !target.query?.trim() && !target.filter) return deleteAll(ctx, target.inbox);
  return ctx.store.delete(await idsOf(ctx, target));
}

/** Deletes everything, or everything in one inbox; returns the count removed. */
export async function deleteAll(ctx: AppContext, inbox?: string | null): Promise<number> {
  return ctx.store.clear(inbox || null);
}
