// Pure formatting helpers for list rows and headers.
import type { Address } from './api';

const UNITS = ['B', 'KB', 'MB', 'GB'];

/** 1536 -> "1.5 KB". */
export function formatSize(bytes: number): string {
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < UNITS.length - 1) {
    n /= 1024;
    u++;
  }
  return `${u === 0 ? n : n < 10 ? n.toFixed(1) : Math.round(n)} ${UNITS[u]}`;
}

/** "just now", "5 min ago", "3 h ago", then a date; `now` is injectable for tests. */
export function relativeTime(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  const d = new Date(t);
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return d.toLocaleDateString(undefined, sameYear ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short', day: 'numeric' });
}

/** The full local date and time, for tooltips and the header block. */
export function fullTime(iso: string | null): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long' });
}

/** `Name <address>` or just the address. */
export function formatAddress(a: Address): string {
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

/** What a list row shows as the sender. */
export function senderLabel(a: Address | null): string {
  if (!a) return '(no sender)';
  return a.name || a.address || '(no sender)';
}

/** A tag as a search term, quoted when it holds spaces or quotes. */
export function tagQuery(tag: string): string {
  return /[\s"()]/.test(tag) ? `tag:"${tag.replace(/"/g, '\\"')}"` : `tag:${tag}`;
}

/** "+0 ms", "+850 ms", "+2.31 s", "+1 min 3 s": a transcript line's time since the session began. */
export function sinceStart(ms: number): string {
  if (ms < 1000) return `+${ms} ms`;
  if (ms < 60_000) return `+${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `+${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
