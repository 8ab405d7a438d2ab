import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/console/accounts/Accounts.js';
import { AUDIT_KEEP, Audit } from '../../src/console/Audit.js';
import { RedisStore } from '../../src/store/RedisStore.js';
import { testRedis } from '../support/redis.js';

const clock = { at: Date.parse('2030-05-01T12:00:00Z'), now: () => new Date(clock.at) };
let redis: Awaited<ReturnType<typeof testRedis>>;
let store: RedisStore;

beforeAll(async () => {
  redis = await testRedis('console-accounts');
  store = new RedisStore(redis.redis, redis.prefix);
});
afterAll(async () => {
  await redis.cleanup();
});

describe('Accounts', () => {
  it('keeps only the SHA-256 of an invitation token, and the e-mail lowercased', async () => {
    const accounts = new Accounts(store, clock.now);
    const invited = await accounts.invite({ email: ' Ana@Example.ORG ', institution: 'infotep', role: 'admin', centres: 'all', invitedBy: 'cli' });
    expect(invited.ok).toBe(true);
    if (!invited.ok) return;
    expect(invited.expiresAt).toBe('2030-05-04T12:00:00.000Z');
    const all = (await Promise.all((await redis.redis.keys(`${redis.prefix}*`)).map((k) => redis.redis.get(k).catch(() => '')))).join('\n');
    expect(all).not.toContain(invited.token);
    const accepted = await accounts.acceptInvite(invited.token, { name: 'Ana', password: 'una frase larga de prueba' });
    expect(accepted.ok && accepted.user.email).toBe('ana@example.org');
    expect(await accounts.checkPassword('ANA@example.org', 'una frase larga de prueba')).toMatchObject({ name: 'Ana' });
  });

  it('lets only one of two simultaneous uses of an invitation succeed', async () => {
    const accounts = new Accounts(store, clock.now);
    const invited = await accounts.invite({ email: 'dos@example.org', institution: 'infotep', role: 'staff', centres: ['infotep-santiago'], invitedBy: 'cli' });
    if (!invited.ok) throw new Error('refused');
    const results = await Promise.all([1, 2].map((n) => accounts.acceptInvite(invited.token, { name: `Persona ${n}`, password: 'una frase larga de prueba' })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, reason: 'used' });
  });

  it('refuses an invitation for an active account or one of another institution; re-invites a disabled one', async () => {
    const accounts = new Accounts(store, clock.now);
    const first = await accounts.invite({ email: 'tres@example.org', institution: 'infotep', role: 'staff', centres: 'all', invitedBy: 'cli' });
    if (!first.ok) throw new Error('refused');
    const joined = await accounts.acceptInvite(first.token, { name: 'Tres', password: 'una frase larga de prueba' });
    if (!joined.ok) throw new Error('not joined');
    expect(await accounts.invite({ email: 'tres@example.org', institution: 'infotep', role: 'admin', centres: 'all', invitedBy: 'cli' })).toEqual({ ok: false, reason: 'already_active' });
    expect(await accounts.invite({ email: 'tres@example.org', institution: 'ina', role: 'admin', centres: 'all', invitedBy: 'cli' })).toEqual({ ok: false, reason: 'other_institution' });
    await accounts.disable(joined.user.id);
    expect(await accounts.checkPassword('tres@example.org', 'una frase larga de prueba')).toBeUndefined();
    const again = await accounts.invite({ email: 'tres@example.org', institution: 'infotep', role: 'admin', centres: 'all', invitedBy: 'cli' });
    if (!again.ok) throw new Error('refused');
    const back = await accounts.acceptInvite(again.token, { name: 'Tres', password: 'otra frase larga de prueba' });
    expect(back).toMatchObject({ ok: true, user: { id: joined.user.id, role: 'admin' } });
    expect(back.ok && back.user.disabledAt).toBeUndefined();
  });

  it('ignores a stored account that does not parse', async () => {
    const accounts = new Accounts(store, clock.now);
    await store.set('console/user/0123456789abcdef', '{"id":"0123456789abcdef","email":"x"}');
    await store.set('console/email/broken@example.org', '0123456789abcdef');
    expect(await accounts.byEmail('broken@example.org')).toBeUndefined();
    expect(await accounts.checkPassword('broken@example.org', 'una frase larga de prueba')).toBeUndefined();
  });
});

describe('Audit', () => {
  it('keeps the newest 10,000 entries per institution, newest first, on the injected clock', async () => {
    const audit = new Audit(store, clock.now);
    const pipeline = redis.redis.pipeline();
    const key = `${redis.prefix}console/audit/ina`;
    for (let i = 0; i < AUDIT_KEEP; i++) pipeline.lpush(key, JSON.stringify({ who: 'cli', institution: 'ina', action: 'user.invite', target: `old${i}`, before: null, after: null, at: clock.now().toISOString() }));
    await pipeline.exec();
    await audit.record({ who: 'jefa@example.org', institution: 'ina', action: 'user.disable', target: 'x@example.org', before: { disabled: false }, after: { disabled: true } });
    expect(await redis.redis.llen(key)).toBe(AUDIT_KEEP);
    const [newest] = await audit.recent('ina', 1);
    expect(newest).toEqual({ who: 'jefa@example.org', institution: 'ina', action: 'user.disable', target: 'x@example.org', before: { disabled: false }, after: { disabled: true }, at: '2030-05-01T12:00:00.000Z' });
    expect(await audit.recent('infotep')).toEqual([]);
  });

  it('replaces phone-like text in summaries, keeping dates and ids readable', async () => {
    const audit = new Audit(store, clock.now);
    const entry = await audit.record({ who: 'cli', institution: 'sena', action: 'booking.note', target: 'ABC123', before: null, after: { note: 'llamar al +57 300 555 0147', at: '2030-05-02T10:00:00.000Z', centre: 'sena-bogota' } });
    expect(entry.after).toEqual({ note: 'llamar al [phone]', at: '2030-05-02T10:00:00.000Z', centre: 'sena-bogota' });
  });
});
