// The mailbox as the UI sees it: the loaded newest-first prefix of the list for the current scope
// (query + inbox), totals, inbox/tag counts; focus and selection come with the list
// (selectable-list.svelte.ts). Pages are fetched with the
// cursor as the list scrolls; feed events are applied in batches so a burst of thousands of
// messages costs one array copy per batch, not one per message.
import * as api from './api';
import type { InboxCount, ListScope, MessageSummary, TagCount } from './api';
import type { FeedEvent } from './feed.svelte';
import { applyEvents } from './apply-events';
import { applyChange, isUnreachable, sendChange, type PendingChange } from './pending-changes';
import { SelectableList } from './selectable-list.svelte';

const FIRST_PAGE = 200; // rows fetched on (re)load: several screens, one quick request
const MAX_PAGE = 1000; // the server's page cap
const BATCH_MS = 50; // feed events are applied at most this often
const COUNTS_MS = 300; // counts (inboxes, tags, totals) are re-read at most this often
const REMEMBER_REMOVED = 5000; // removed ids remembered for the "this message was deleted" note

class Mailbox extends SelectableList {
  total = $state(0);
  unread = $state(0);
  nextCursor = $state.raw<string | null>(null);
  loaded = $state(false);
  /** A search error from the server (invalid_query), shown next to the search box. */
  queryError = $state<string | null>(null);
  /** Any other failure the user should see. */
  error = $state<string | null>(null);
  scope = $state<ListScope>({ query: '', inbox: null });
  inboxes = $state.raw<InboxCount[]>([]);
  tags = $state.raw<TagCount[]>([]);
  /** Ids removed (deleted, evicted, cleared) since the page loaded, so an open message can say so. */
  removed = $state.raw<ReadonlySet<string>>(new Set());

  #generation = 0;
  #loadingMore = false;
  #queue: FeedEvent[] = [];
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #countsTimer: ReturnType<typeof setTimeout> | undefined;
  #countsDue = false;
  #syncing = false;
  #resyncTimer: ReturnType<typeof setTimeout> | undefined;
  /** Called with each newly arrived message in scope (notifications). */
  onArrival: ((m: MessageSummary) => void) | null = null;

  /** Rows the list should reserve: the server's total, never fewer than what is loaded. */
  get rowCount(): number {
    return Math.max(this.total, this.items.length);
  }

  /** Reloads the first page of the current scope, then applies events that arrived meanwhile. */
  async resync(): Promise<void> {
    const gen = ++this.#generation;
    this.#syncing = true;
    const want = Math.min(MAX_PAGE, Math.max(FIRST_PAGE, this.items.length));
    try {
      const page = await api.listMessages(this.scope, want);
      if (gen !== this.#generation) return;
      this.items = page.messages;
      this.total = page.total;
      this.unread = page.unread;
      this.nextCursor = page.nextCursor;
      this.queryError = null;
      this.error = null;
      this.#pruneSelection();
    } catch (err) {
      if (gen !== this.#generation) return;
      if (err instanceof api.ApiError && err.code === 'invalid_query') {
        this.queryError = err.message;
        this.items = [];
        this.total = 0;
        this.unread = 0;
        this.nextCursor = null;
      } else this.error = err instanceof Error ? err.message : String(err);
    } finally {
      if (gen === this.#generation) {
        this.#syncing = false;
        this.loaded = true;
        this.#flush();
      }
    }
    this.#scheduleCounts();
  }

  /** Makes sure rows up to `end` (exclusive) are loaded, fetching pages with the cursor. */
  async ensureLoaded(end: number): Promise<void> {
    while (end > this.items.length && this.nextCursor && !this.#loadingMore && !this.#syncing) {
      const gen = this.#generation;
      this.#loadingMore = true;
      try {
        const limit = Math.min(MAX_PAGE, Math.max(FIRST_PAGE, end - this.items.length + 50));
        const page = await api.listMessages(this.scope, limit, this.nextCursor);
        if (gen !== this.#generation) return;
        const have = new Set(this.items.map((m) => m.id));
        this.items = this.items.concat(page.messages.filter((m) => !have.has(m.id)));
        this.nextCursor = page.nextCursor;
        this.total = page.total;
        this.unread = page.unread;
      } catch (err) {
        this.error = err instanceof Error ? err.message : String(err);
        return;
      } finally {
        this.#loadingMore = false;
      }
    }
  }

  /** Changes the query and/or inbox and reloads from the top. */
  setScope(scope: Partial<ListScope>): void {
    this.scope = { ...this.scope, ...scope };
    this.selected = new Set();
    this.focusId = null;
    void this.resync();
  }

  /** Takes one feed frame; a hello (connect or reconnect) sends what waited offline and re-syncs everything. */
  handle(event: FeedEvent): void {
    if (event.type === 'hello') {
      this.#queue = [];
      void this.#replayPending().then(() => this.resync());
      return;
    }
    this.#queue.push(event);
    this.#flushTimer ??= setTimeout(() => {
      this.#flushTimer = undefined;
      this.#flush();
    }, BATCH_MS);
  }

  #flush(): void {
    if (this.#syncing || this.#queue.length === 0) return;
    const events = this.#queue;
    this.#queue = [];
    const r = applyEvents(this.items, events, this.scope);
    this.items = r.items;
    // Counts are re-read from the server below; bump them now so the toolbar does not lag.
    this.total += r.added.length;
    this.unread += r.added.filter((m) => !m.read).length;
    for (const m of r.arrivals) this.onArrival?.(m);
    const { gone, needResync } = r;
    if (gone.length) this.removed = new Set([...this.removed, ...gone].slice(-REMEMBER_REMOVED));
    this.#pruneSelection();
    if (needResync) this.#scheduleResync();
    this.#scheduleCounts();
  }

  #scheduleResync(): void {
    this.#resyncTimer ??= setTimeout(() => {
      this.#resyncTimer = undefined;
      void this.resync();
    }, COUNTS_MS);
  }

  #pruneSelection(): void {
    if (this.selected.size === 0 && this.focusId === null) return;
    const ids = new Set(this.items.map((m) => m.id));
    if (this.focusId !== null && !ids.has(this.focusId)) this.focusId = null;
    if ([...this.selected].some((id) => !ids.has(id))) this.selected = new Set([...this.selected].filter((id) => ids.has(id)));
  }

  /** Re-reads totals and the inbox/tag counts, throttled: a burst costs a few requests, not thousands. */
  #scheduleCounts(): void {
    if (this.#countsTimer) {
      this.#countsDue = true;
      return;
    }
    void this.refreshCounts();
    this.#countsTimer = setTimeout(() => {
      this.#countsTimer = undefined;
      if (this.#countsDue) {
        this.#countsDue = false;
        this.#scheduleCounts();
      }
    }, COUNTS_MS);
  }

  async refreshCounts(): Promise<void> {
    const gen = this.#generation;
    try {
      const [page, inboxes, tags] = await Promise.all([api.listMessages(this.scope, 1), api.listInboxes(), api.listTags()]);
      this.inboxes = inboxes;
      this.tags = tags;
      if (gen !== this.#generation || this.#syncing) return;
      this.total = page.total;
      this.unread = page.unread;
    } catch {
      // the list itself reports errors; counts catch up on the next event
    }
  }

  // ---- actions (the feed brings the resulting changes to every tab, this one included) ----

  async remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#actOrKeep({ kind: 'delete', ids });
  }

  async markRead(ids: string[], read: boolean): Promise<void> {
    if (ids.length === 0) return;
    await this.#actOrKeep({ kind: 'read', ids, read });
  }

  // ---- changes made while the server is away: shown at once, sent when it is back ----------

  /** Deletions and read flags waiting for the server, oldest first. */
  pending = $state.raw<PendingChange[]>([]);

  /** Sends the change; when the server cannot be reached, applies it here and keeps it for later. */
  async #actOrKeep(change: PendingChange): Promise<void> {
    try {
      await sendChange(change);
      this.error = null;
    } catch (err) {
      if (!isUnreachable(err)) {
        this.error = (err as Error).message;
        return;
      }
      this.pending = [...this.pending, change];
      const next = applyChange(this, change);
      this.items = next.items;
      this.total = next.total;
      this.unread = next.unread;
      if (next.gone.length) this.removed = new Set([...this.removed, ...next.gone].slice(-REMEMBER_REMOVED));
      this.#pruneSelection();
      this.error = null;
    }
  }

  /** Sends what waited, in order; a change the server refuses (a message gone meanwhile) is dropped. */
  async #replayPending(): Promise<void> {
    while (this.pending.length) {
      const [next, ...rest] = this.pending;
      try {
        await sendChange(next!);
      } catch (err) {
        if (isUnreachable(err)) return; // still away: keep it for the next reconnect
      }
      this.pending = rest;
    }
  }

  /** Deletes every message in scope (all mail when unscoped). */
  async removeAll(): Promise<void> {
    await this.#act(async () => api.deleteMany(this.#scoped() ? await api.collectIds($state.snapshot(this.scope)) : null));
  }

  async markAllRead(): Promise<void> {
    await this.#act(async () => api.setReadMany(this.#scoped() ? await api.collectIds($state.snapshot(this.scope)) : null, true));
  }

  #scoped(): boolean {
    return this.scope.inbox !== null || this.scope.query.trim() !== '';
  }

  async #act(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
      this.error = null;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }
}

/** The one mailbox of the page. */
export const mailbox = new Mailbox();
