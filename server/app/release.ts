// Release: send a captured message, as captured, to the upstream SMTP server the user configured
// (--relay-host), and the history of those attempts. Only where the user pointed it: a refused
// release says why (no relay, recipient not allowed) before any connection is made.

import type { ReleaseRecord } from '../outbound/relay.js';
import { ReleaseRefused } from '../outbound/relay.js';
import type { AppContext } from './context.js';
import { DomainError } from './errors.js';
import { getMessage, readRaw } from './messages.js';

/** Sends message `id` to `to` through the relay; resolves with the attempt, refused or not by upstream. */
export async function releaseMessage(ctx: AppContext, id: string, to: readonly string[]): Promise<ReleaseRecord> {
  const message = await getMessage(ctx, id);
  const outbound = ctx.outbound;
  if (!outbound) throw new DomainError('invalid', 'release is not available on this server (no relay configured)', { code: 'relay_not_configured' });
  try {
    outbound.relay.check(to);
  } catch (err) {
    if (err instanceof ReleaseRefused) throw new DomainError(err.code === 'recipient_not_allowed' ? 'forbidden' : 'invalid', err.message, { code: err.code, field: 'to' });
    throw err;
  }
  const record = await outbound.relay.send(message, await readRaw(ctx, id), to, { auto: false, attempt: 1 });
  outbound.releases.add(message.id, record);
  return record;
}

/** Release and auto-relay attempts for one message, oldest first; `not-found` for an unknown message. */
export async function releaseHistory(ctx: AppContext, id: string): Promise<ReleaseRecord[]> {
  await getMessage(ctx, id);
  return ctx.outbound?.releases.get(id) ?? [];
}
