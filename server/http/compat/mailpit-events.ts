// Mailpit's /api/events frames: bus events turned into {"Type","Data"} JSON text frames
// (new, update, delete, truncate, prune), each followed by a stats frame, as Mailpit's
// hub broadcasts them. Plugged into the shared WebSocket feed as its serializer.

import type { MailEvent } from '../../events/bus.js';
import type { App } from '../../app/index.js';
import { mailpitListItem } from './mailpit-shapes.js';

/** Above this many ids one event becomes `prune` ("reload"), like Mailpit's delete-by-search. */
const MAX_PER_ID_FRAMES = 200;

const frame = (Type: string, Data: unknown) => JSON.stringify({ Type, Data });

export interface MailpitFrames {
  /** Frames for one bus event, or null when it has no Mailpit counterpart. */
  serialize(event: MailEvent): Promise<string[] | null>;
  /** The stats frame Mailpit sends when a client connects. */
  stats(): Promise<string>;
}

/** Creates the serializer for one server's use cases and version. */
export function createMailpitFrames(useCases: App, version: string): MailpitFrames {
  const stats = async () => {
    const s = await useCases.storeStats();
    return frame('stats', { Total: s.count, Unread: s.unread, Version: version });
  };
  const perId = (ids: string[], make: (id: string) => string): string[] =>
    ids.length > MAX_PER_ID_FRAMES ? [frame('prune', null)] : ids.map(make);

  return {
    stats,
    async serialize(event) {
      let frames: string[];
      switch (event.type) {
        case 'message:new': {
          const m = await useCases.findMessage(event.summary.id);
          frames = m ? [frame('new', mailpitListItem(m))] : [];
          break;
        }
        case 'message:deleted':
          frames = perId(event.ids, (id) => frame('delete', { ID: id }));
          break;
        case 'message:evicted':
          frames = [frame('prune', null)];
          break;
        case 'message:read':
          // Mailpit sends no per-message updates for "mark all"; a big batch is only stats.
          frames = event.ids.length > MAX_PER_ID_FRAMES ? [] : event.ids.map((id) => frame('update', { ID: id, Read: event.read }));
          break;
        case 'message:tags':
          frames = event.messages.length > MAX_PER_ID_FRAMES ? [frame('prune', null)] : event.messages.map((c) => frame('update', { ID: c.id, Tags: c.tags }));
          break;
        case 'store:cleared':
          frames = [frame('truncate', null)];
          break;
        default:
          return null;
      }
      frames.push(await stats());
      return frames;
    },
  };
}
