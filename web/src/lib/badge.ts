// The unread count in the page title and the favicon, and desktop notifications for new mail.
import type { MessageSummary } from './api';
import { senderLabel } from './format';

const ICON_PX = 64;

/** Draws the envelope favicon, with a red badge showing `unread` when it is above zero. */
function drawIcon(unread: number): string {
  const c = document.createElement('canvas');
  c.width = c.height = ICON_PX;
  const g = c.getContext('2d');
  if (!g) return '';
  g.fillStyle = '#2563eb';
  g.beginPath();
  g.roundRect(4, 12, 56, 40, 8);
  g.fill();
  g.strokeStyle = '#fff';
  g.lineWidth = 5;
  g.beginPath();
  g.moveTo(10, 18);
  g.lineTo(32, 36);
  g.lineTo(54, 18);
  g.stroke();
  if (unread > 0) {
    const label = unread > 99 ? '99+' : String(unread);
    g.fillStyle = '#dc2626';
    g.beginPath();
    g.arc(46, 18, 18, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = '#fff';
    g.font = `bold ${label.length > 2 ? 16 : 24}px system-ui, sans-serif`;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(label, 46, 19);
  }
  return c.toDataURL('image/png');
}

let lastIcon = -1;

/** Shows the unread count in the title ("(3) Mailroom") and on the favicon. */
export function showUnread(unread: number, suffix = ''): void {
  document.title = `${unread > 0 ? `(${unread}) ` : ''}Mailroom${suffix}`;
  if (unread === lastIcon) return;
  lastIcon = unread;
  const href = drawIcon(unread);
  if (!href) return;
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.append(link);
  }
  link.type = 'image/png';
  link.href = href;
}

const COALESCE_MS = 1500; // arrivals this close together make one notification, not a burst of them
let pending: MessageSummary[] = [];
let pendingTimer: ReturnType<typeof setTimeout> | undefined;

/** A desktop notification for new mail (when the user opted in and the page is not in view); bursts are summarised. */
export function notifyArrival(m: MessageSummary, onClick: (id: string | null) => void): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (document.visibilityState === 'visible' && document.hasFocus()) return;
  pending.push(m);
  pendingTimer ??= setTimeout(() => {
    pendingTimer = undefined;
    const batch = pending;
    pending = [];
    const one = batch.length === 1 ? batch[0]! : null;
    const n = one
      ? new Notification(`New mail from ${senderLabel(one.from)}`, { body: one.subject || '(no subject)', tag: one.id })
      : new Notification(`${batch.length} new messages`, { body: batch.slice(-3).map((x) => x.subject || '(no subject)').join('\n'), tag: 'mailroom-batch' });
    n.onclick = () => {
      window.focus();
      onClick(one ? one.id : null);
      n.close();
    };
  }, COALESCE_MS);
}
