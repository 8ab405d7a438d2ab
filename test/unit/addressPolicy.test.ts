import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, isPublicAddress, outboundUrlProblem, policyLookup, publicLookup, type ResolveAll } from '../../src/net/addressPolicy.js';

const PRODUCTION = { allowPrivate: false, requireHttps: true };
const DEVELOPMENT = { allowPrivate: true, requireHttps: false };

/** A resolver that answers from a table and never touches DNS. */
const fakeDns =
  (table: Record<string, string[]>): ResolveAll =>
  (hostname, _options, callback) => {
    const found = table[hostname];
    if (!found) return callback(Object.assign(new Error(`no ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };

/** Runs a lookup as node:net would and reports what it answered. */
const run = (lookup: ReturnType<typeof publicLookup>, host: string, all = false) =>
  new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>((resolve) => {
    lookup(host, { all }, (err, address, family) => resolve({ err, address, family }));
  });

describe('isPublicAddress', () => {
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '[2001:4860:4860::8888]'])('accepts the global unicast address %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });
  it.each([
    '127.0.0.1', '127.8.9.10', '0.0.0.0', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
    '224.0.0.1', '255.255.255.255', '192.0.2.10', '198.51.100.1', '203.0.113.9', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1',
    '::ffff:127.0.0.1', '::ffff:10.0.0.1', '[::1]', 'ff02::1', 'not an address', '',
  ])('refuses %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });
});

describe('isLoopbackHost', () => {
  it('knows the names and literals of this machine', () => {
    for (const host of ['localhost', 'LOCALHOST.', 'api.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::ffff:127.0.0.1', '0.0.0.0', '::']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['example.org', 'localhost.example.org', '10.0.0.1', '8.8.8.8']) expect(isLoopbackHost(host), host).toBe(false);
  });
});

describe('outboundUrlProblem', () => {
  it('accepts https to a host name or a public address in production', () => {
    expect(outboundUrlProblem('https://hooks.infotep.gob.do/ruta', PRODUCTION)).toBeUndefined();
    expect(outboundUrlProblem('https://8.8.8.8/x', PRODUCTION)).toBeUndefined();
  });

  it.each([
    ['http://localhost:1/x', /https/],
    ['https://localhost:1/x', /this machine/],
    ['https://LocalHost./x', /this machine/],
    ['https://127.0.0.1/x', /this machine/],
    ['https://[::1]:8443/x', /this machine/],
    ['https://[::ffff:127.0.0.1]/x', /this machine/],
    ['https://0.0.0.0/x', /this machine/],
    ['https://10.0.0.5/x', /private/],
    ['https://192.168.1.1/x', /private/],
    ['https://169.254.169.254/latest/meta-data', /private/],
    ['https://[fe80::1]/x', /private/],
    ['https://[fd00::1]/x', /private/],
    ['https://2130706433/x', /private|this machine/],
    ['https://0x7f.1/x', /private|this machine/],
    ['https://user:pass@example.org/x', /credentials/],
    ['ftp://example.org/x', /https/],
    ['not a url', /absolute/],
  ])('refuses %s in production', (url, message) => {
    expect(outboundUrlProblem(url, PRODUCTION)).toMatch(message);
  });

  it('allows http and this machine in development, but still no other scheme or credentials', () => {
    expect(outboundUrlProblem('http://localhost:1/x', DEVELOPMENT)).toBeUndefined();
    expect(outboundUrlProblem('http://10.0.0.5/x', DEVELOPMENT)).toBeUndefined();
    expect(outboundUrlProblem('file:///etc/passwd', DEVELOPMENT)).toMatch(/https/);
    expect(outboundUrlProblem('http://a:b@localhost/x', DEVELOPMENT)).toMatch(/credentials/);
  });
});

describe('publicLookup', () => {
  const dns = fakeDns({ 'public.test': ['93.184.215.14'], 'rebound.test': ['127.0.0.1'], 'mixed.test': ['93.184.215.14', '10.0.0.7'], 'v6.test': ['2606:4700::1', '93.184.215.14'], 'empty.test': [] });

  it('answers public addresses in both the single and the all form', async () => {
    expect(await run(publicLookup(dns), 'public.test')).toEqual({ err: null, address: '93.184.215.14', family: 4 });
    expect(await run(publicLookup(dns), 'v6.test', true)).toMatchObject({ err: null, address: [{ address: '2606:4700::1', family: 6 }, { address: '93.184.215.14', family: 4 }] });
  });

  it('refuses a host that resolves to loopback, or to any private address among public ones', async () => {
    for (const host of ['rebound.test', 'mixed.test']) {
      const { err } = await run(publicLookup(dns), host);
      expect(err?.code, host).toBe('ERR_ADDRESS_NOT_ALLOWED');
    }
  });

  it('passes resolver errors through and treats an empty answer as not found', async () => {
    expect((await run(publicLookup(dns), 'unknown.test')).err?.code).toBe('ENOTFOUND');
    expect((await run(publicLookup(dns), 'empty.test')).err?.code).toBe('ENOTFOUND');
  });

  it('lets private addresses through only when the policy allows them (development)', async () => {
    expect(await run(policyLookup({ allowPrivate: true }, dns), 'rebound.test')).toEqual({ err: null, address: '127.0.0.1', family: 4 });
    expect((await run(policyLookup({ allowPrivate: false }, dns), 'rebound.test')).err?.code).toBe('ERR_ADDRESS_NOT_ALLOWED');
  });
});
