import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where Ruta's server may send HTTP requests it does not fully control (institution webhooks,
 * Bot Framework replies): in production only globally routable unicast addresses, never
 * loopback, private, link-local, carrier-grade NAT, multicast or documentation ranges.
 * Classification is ipaddr.js's (the library express already relies on for proxy addresses).
 *
 * @example isPublicAddress('10.0.0.8') === false; isPublicAddress('8.8.8.8') === true
 */
export function isPublicAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return false;
  let addr = ipaddr.parse(bare);
  if (addr.kind() === 'ipv6') {
    const v6 = addr as ipaddr.IPv6;
    // ::ffff:127.0.0.1 is 127.0.0.1.
    if (v6.isIPv4MappedAddress()) addr = v6.toIPv4Address();
  }
  return addr.range() === 'unicast';
}

/** True for a host name or literal that names this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (!ipaddr.isValid(h)) return false;
  let addr = ipaddr.parse(h);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  return addr.range() === 'loopback' || addr.range() === 'unspecified';
}

export interface OutboundPolicy {
  /** Development: loopback and private addresses are allowed (a local receiver, the Emulator). */
  allowPrivate: boolean;
  /** Production: only https. */
  requireHttps: boolean;
}

/**
 * Why a URL may not be called under `policy`, or undefined when it may (as far as can be told
 * without resolving its host: see `publicLookup` for the check at connection time).
 */
export function outboundUrlProblem(raw: string, policy: OutboundPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'url must use https';
  if (policy.requireHttps && url.protocol !== 'https:') return 'url must use https';
  if (url.username || url.password) return 'url must not contain credentials';
  if (policy.allowPrivate) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isLoopbackHost(host)) return 'url must not point at this machine';
  if (isIP(host) !== 0) return isPublicAddress(host) ? undefined : 'url must not point at a private, link-local or reserved address';
  // Numeric forms that resolvers read as addresses ("2130706433", "0x7f.1") are not host names
  // (WHATWG URL already rewrites most of them to dotted quads, checked above).
  if (/^[0-9.]+$/.test(host) || /^0x/i.test(host)) return 'url must not point at a private, link-local or reserved address';
  return undefined;
}

/** Raised when a host resolves to an address outside the policy (code ERR_ADDRESS_NOT_ALLOWED). */
export class AddressNotAllowedError extends Error {
  readonly code = 'ERR_ADDRESS_NOT_ALLOWED';
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A resolver answering every address of a host: node:dns `lookup` with `all: true`, or a fake in
 * tests. @example const fake: ResolveAll = (_host, _options, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }])
 */
export type ResolveAll = (hostname: string, options: LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: ResolveAll = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * A `lookup` for node:http / node:https requests that resolves through `resolve` and, unless the
 * policy allows private addresses, refuses to connect when any address the host resolves to is
 * not public: the check happens at connection time, so a DNS answer that changed since the URL
 * was registered (DNS rebinding) is caught too.
 *
 * @example https.request(url, { lookup: policyLookup({ allowPrivate: false, requireHttps: true }) })
 */
export function policyLookup(policy: Pick<OutboundPolicy, 'allowPrivate'>, resolve: ResolveAll = systemResolver) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const refused = addresses.find((a) => !isPublicAddress(a.address));
      if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      if (refused && !policy.allowPrivate) return callback(new AddressNotAllowedError(`${hostname} resolves to an address that is not public`), []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/**
 * A `lookup` that connects only to public addresses (production).
 *
 * @example https.request(url, { lookup: publicLookup() })
 */
export function publicLookup(resolve: ResolveAll = systemResolver) {
  return policyLookup({ allowPrivate: false }, resolve);
}
