// Where outbound connections may go. Release/relay (SMTP) and webhooks (HTTP) connect only to
// public addresses unless the operator sets --outbound-allow-private: a relay host or webhook URL
// that is, or resolves to, a loopback, private, link-local (cloud metadata), carrier-grade NAT,
// multicast, reserved or IPv4-in-IPv6 address is refused with an error naming that option. Names
// are resolved here and the connection goes to the address that was checked, so a name cannot
// pass the check and then resolve somewhere else (DNS rebinding).

import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

export const ALLOW_PRIVATE_FLAG = '--outbound-allow-private';

/** A target refused because of where it points. */
export class OutboundTargetRefused extends Error {
  override name = 'OutboundTargetRefused';
  readonly code = 'target_not_allowed';
}

function ranges(list: Array<[string, number, 'ipv4' | 'ipv6']>): BlockList {
  const b = new BlockList();
  for (const [net, prefix, type] of list) b.addSubnet(net, prefix, type);
  return b;
}

// Kinds in the order they are checked; Mailpit's advisories (SSRF via CGNAT, NAT64, 6to4, Teredo,
// fec0::/10) are why the IPv6 transition forms are refused whole rather than unpacked. BlockList
// checks IPv4-mapped addresses (::ffff:a.b.c.d) against the IPv4 ranges itself.
const KINDS: Array<[string, BlockList]> = [
  ['loopback', ranges([['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']])],
  ['unspecified', ranges([['0.0.0.0', 8, 'ipv4'], ['::', 128, 'ipv6']])],
  ['private', ranges([['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['fc00::', 7, 'ipv6'], ['fec0::', 10, 'ipv6']])],
  ['link-local', ranges([['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']])],
  ['carrier-grade NAT', ranges([['100.64.0.0', 10, 'ipv4']])],
  ['multicast', ranges([['224.0.0.0', 4, 'ipv4'], ['ff00::', 8, 'ipv6']])],
  ['reserved', ranges([['192.0.0.0', 24, 'ipv4'], ['192.0.2.0', 24, 'ipv4'], ['198.18.0.0', 15, 'ipv4'], ['198.51.100.0', 24, 'ipv4'], ['203.0.113.0', 24, 'ipv4'], ['240.0.0.0', 4, 'ipv4'], ['100::', 64, 'ipv6'], ['2001:db8::', 32, 'ipv6']])],
  [
    'IPv4-in-IPv6',
    ranges([['::', 96, 'ipv6'], ['64:ff9b::', 96, 'ipv6'], ['64:ff9b:1::', 48, 'ipv6'], ['2002::', 16, 'ipv6'], ['2001::', 32, 'ipv6']]),
  ],
];

/** What kind of non-public address this is, or null for a public one (or not an IP at all). */
export function internalKind(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return null;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [kind, list] of KINDS) if (list.check(address, type)) return kind;
  return null;
}

function refusal(what: string, host: string, address: string, kind: string): OutboundTargetRefused {
  const where = host.replace(/^\[|\]$/g, '') === address ? `is a ${kind} address` : address === 'this machine' ? 'is this machine (loopback)' : `resolves to ${address}, a ${kind} address`;
  return new OutboundTargetRefused(`${what} ${host} ${where}; Mailroom connects only to public addresses unless ${ALLOW_PRIVATE_FLAG} is set (MAILROOM_OUTBOUND_ALLOW_PRIVATE=true)`);
}

/** Host names that always mean this machine, whatever DNS says. */
const isLocalName = (host: string) => /^(localhost|[^.]+\.localhost)\.?$/i.test(host);

/**
 * For start-up: refuses a target that is an internal IP literal or a localhost name, so the
 * mistake shows before the first message. Other names are checked at each connection.
 */
export function checkConfiguredTarget(what: string, host: string, allowPrivate: boolean): void {
  if (allowPrivate) return;
  const bare = host.replace(/^\[|\]$/g, '');
  if (isLocalName(bare)) throw refusal(what, host, 'this machine', 'loopback');
  const kind = internalKind(bare);
  if (kind) throw refusal(what, host, bare, kind);
}

function lookupAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));
}

/**
 * Resolves host and checks every address it has (one internal address refuses the name: the
 * resolver may pick any of them). Returns the address to connect to.
 */
export async function resolveTarget(what: string, host: string, allowPrivate: boolean): Promise<LookupAddress> {
  const bare = host.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  const addresses = family ? [{ address: bare, family }] : await lookupAll(bare);
  if (addresses.length === 0) throw new Error(`${what} ${host} does not resolve`);
  if (!allowPrivate) {
    if (!family && isLocalName(bare)) throw refusal(what, host, addresses[0]!.address, 'loopback');
    for (const a of addresses) {
      const kind = internalKind(a.address);
      if (kind) throw refusal(what, host, a.address, kind);
    }
  }
  return addresses[0]!;
}
