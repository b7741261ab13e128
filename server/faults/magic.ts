// Magic addresses: deterministic failures for tests that cannot change server config. The local
// part of a sender or recipient names the treatment; the domain is anything. A "+tag" suffix is
// ignored, so tests can tell their messages apart. Turned off with --magic-addresses false.
//
//   reject-550@x          550 at the command naming the address (MAIL FROM or RCPT TO)
//   reject-554-5.7.1@x    with an explicit enhanced status code
//   tempfail-451@x        4xx likewise
//   delay-3s@x            the reply to that command comes 3 s late (ms also accepted: delay-250ms)
//   disconnect@x          the connection is closed instead of replying
//   drop@x                accepted with 250, then not stored
//   slow-2048@x           the message's DATA is read at 2048 bytes/s
// Add "-data" to reject/tempfail/delay/disconnect to act at the end of DATA instead, after the
// whole message was sent: reject-552-data@x, delay-2s-data@x, disconnect-data@x.

import { MAX_DELAY_MS, type FaultAction } from './rules.js';

/** The treatment a magic address asks for and where it applies. */
export interface MagicTreatment {
  action: FaultAction;
  /** True when it applies at the end of DATA rather than at the command naming the address. */
  atData: boolean;
  /** The local part that asked for it, for the rejected list. */
  label: string;
}

const CODE = /^(reject|tempfail)-(\d{3})(?:-(\d\.\d{1,3}\.\d{1,3}))?(-data)?$/;
const DELAY = /^delay-(\d{1,6})(ms|s)(-data)?$/;
const DISCONNECT = /^disconnect(-data)?$/;
const SLOW = /^slow-(\d{1,9})$/;

/** The treatment for an address, or null when it is an ordinary address. */
export function magicTreatment(address: string): MagicTreatment | null {
  const at = address.lastIndexOf('@');
  if (at <= 0) return null;
  let local = address.slice(0, at).toLowerCase();
  const plus = local.indexOf('+');
  if (plus !== -1) local = local.slice(0, plus);
  // Fast exit: every magic local part starts with one of these letters.
  const c = local.charCodeAt(0);
  if (c !== 0x72 /* r */ && c !== 0x74 /* t */ && c !== 0x64 /* d */ && c !== 0x73 /* s */) return null;
  let m = CODE.exec(local);
  if (m) {
    const code = Number(m[2]);
    const reject = m[1] === 'reject';
    if (reject ? code < 500 || code > 599 : code < 400 || code > 499) return null;
    if (m[3] && m[3][0] !== String(code)[0]) return null;
    return {
      action: { type: reject ? 'reject' : 'tempfail', code, ...(m[3] ? { enhanced: m[3] } : {}), text: `Magic address ${local} says so` },
      atData: Boolean(m[4]),
      label: local,
    };
  }
  if ((m = DELAY.exec(local))) {
    const ms = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
    if (ms > MAX_DELAY_MS) return null;
    return { action: { type: 'delay', delayMs: ms }, atData: Boolean(m[3]), label: local };
  }
  if ((m = DISCONNECT.exec(local))) return { action: { type: 'disconnect' }, atData: Boolean(m[1]), label: local };
  if (local === 'drop') return { action: { type: 'drop' }, atData: true, label: local };
  if ((m = SLOW.exec(local)) && Number(m[1]) > 0) return { action: { type: 'slow', bytesPerSecond: Number(m[1]) }, atData: false, label: local };
  return null;
}
