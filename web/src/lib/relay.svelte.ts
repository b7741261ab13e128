// Whether release is configured (GET /api/relay), read once per page and again when the release
// dialog opens, so the message view can disable "Release" with a reason.
import * as api from './api';
import type { RelayInfo } from './api';

export const relay = $state({ info: null as RelayInfo | null, error: null as string | null });

let pending: Promise<void> | null = null;

/** Reads the relay settings (deduplicated while a read is in flight). */
export function loadRelay(): Promise<void> {
  pending ??= api
    .getRelay()
    .then(
      (info) => {
        relay.info = info;
        relay.error = null;
      },
      (err: unknown) => {
        relay.error = err instanceof Error ? err.message : String(err);
      },
    )
    .finally(() => (pending = null));
  return pending;
}

/** Why release cannot be used, or null when it can. */
export function releaseUnavailable(info: RelayInfo | null): string | null {
  if (!info) return null;
  if (!info.configured) return 'Release is not configured: start Mailroom with --relay-host (and --relay-allowed-recipients).';
  if (info.allowedRecipients === null) return 'No recipient is allowed yet: set --relay-allowed-recipients to a pattern.';
  return null;
}
