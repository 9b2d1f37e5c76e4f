// Keeps the crawler off loopback, private, link-local and cloud metadata addresses (SSRF). The
// check runs on every DNS answer, inside the connection's own lookup, so a public-looking name
// that resolves to 127.0.0.1 and a redirect to 169.254.169.254 are refused alike.
import {
  lookup as dnsLookup,
  type LookupAddress,
  type LookupAllOptions,
  type LookupOneOptions,
} from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { CiteboxError } from '../services/index.js';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** Whether an IP address is one the crawler must not reach (IPv4-mapped IPv6 included). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return false;
}

export function blockedError(host: string, address: string): CiteboxError {
  return new CiteboxError(
    'FETCH_BLOCKED',
    `Refusing to fetch ${host}: it resolves to the private or reserved address ${address} (set CITEBOX_ALLOW_PRIVATE_NETWORKS=true to allow)`,
    { details: { host, address } },
  );
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** dns.lookup's shape, asked for every address (`all: true`). */
export type Resolver = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, options, callback) =>
  dnsLookup(hostname, options, (err, addresses) => callback(err, addresses));

export type GuardedLookup = (
  hostname: string,
  options: LookupOneOptions | LookupAllOptions,
  callback: LookupCallback,
) => void;

/**
 * A dns.lookup replacement for undici's connect options that refuses private answers: if any
 * address of the answer is private, none is used (so DNS rebinding between two answers does not
 * help). `resolver` lets tests stand in for DNS; `trusted` exempts exact addresses (tests).
 */
export function makeGuardedLookup(
  resolver: Resolver = systemResolver,
  trusted: ReadonlySet<string> = new Set(),
  guard = true,
): GuardedLookup {
  return (hostname, options, callback) =>
    resolver(hostname, { ...options, all: true }, (err, list) => {
      if (err) {
        callback(err, []);
        return;
      }
      const bad = guard
        ? list.find((a) => isPrivateAddress(a.address) && !trusted.has(a.address))
        : undefined;
      if (bad) {
        callback(blockedError(hostname, bad.address) as unknown as NodeJS.ErrnoException, []);
        return;
      }
      if ((options as LookupAllOptions).all) {
        callback(null, list);
        return;
      }
      const first = list[0];
      if (!first) {
        callback(Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND' }), []);
        return;
      }
      callback(null, first.address, first.family);
    });
}

/** The guard over the system resolver. */
export const guardedLookup: GuardedLookup = makeGuardedLookup();

/** Refuses IP-literal hosts in private ranges before any connection (no DNS lookup happens for them). */
export function assertPublicHost(url: URL, trusted: ReadonlySet<string> = new Set()): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isPrivateAddress(host) && !trusted.has(host)) throw blockedError(url.hostname, host);
  if (host === 'localhost' || host.endsWith('.localhost')) throw blockedError(url.hostname, '127.0.0.1');
}
