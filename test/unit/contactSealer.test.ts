import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ContactSealer } from '../../src/privacy/ContactSealer.js';
import { legacyContactKey, parseContactKeys, type ContactKey } from '../../src/privacy/contactKeys.js';
import { createCipheriv } from 'node:crypto';

const key = (id: string): ContactKey => ({ id, key: randomBytes(32) });

describe('ContactSealer', () => {
  it('opens what it sealed, with a fresh IV each time, and refuses altered or foreign values', () => {
    const sealer = new ContactSealer([key('k1')]);
    const a = sealer.seal('whatsapp:+18095550100');
    const b = sealer.seal('whatsapp:+18095550100');
    expect(a).not.toBe(b);
    expect(a).not.toContain('8095550100');
    expect(a.startsWith('v2.k1.')).toBe(true);
    expect(sealer.open(a)).toBe('whatsapp:+18095550100');
    // One character of the sealed body changed (always to a different one).
    const at = a.length - 2;
    const tampered = a.slice(0, at) + (a[at] === 'A' ? 'B' : 'A') + a.slice(at + 1);
    expect(sealer.open(tampered)).toBeUndefined();
    expect(new ContactSealer([key('k1')]).open(a)).toBeUndefined(); // same id, another key
    expect(sealer.open('not sealed')).toBeUndefined();
  });

  it('rotates: the newest key seals, older keys still open what they sealed, a removed key no longer does', () => {
    const k1 = key('k1');
    const k2 = key('k2');
    const before = new ContactSealer([k1]).seal('+50688887777');
    const rotated = new ContactSealer([k2, k1]);
    expect(rotated.open(before)).toBe('+50688887777');
    const after = rotated.seal('+50688887777');
    expect(rotated.keyIdOf(after)).toBe('k2');
    expect(new ContactSealer([k2]).open(after)).toBe('+50688887777');
    expect(new ContactSealer([k2]).open(before)).toBeUndefined();
  });

  it('opens numbers sealed in the first format with the pseudonym secret they were sealed under', () => {
    const secret = 'a-secret-of-at-least-16-chars';
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', legacyContactKey(secret), iv);
    const body = Buffer.concat([cipher.update('+18095550100', 'utf8'), cipher.final()]);
    const v1 = ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    expect(new ContactSealer([key('k1')], [secret]).open(v1)).toBe('+18095550100');
    expect(new ContactSealer([key('k1')], ['another-secret-of-16-chars']).open(v1)).toBeUndefined();
  });
});

describe('parseContactKeys', () => {
  it('reads id:base64 pairs, newest first, and explains what is wrong', () => {
    const a = randomBytes(32).toString('base64');
    const b = randomBytes(32).toString('base64');
    const parsed = parseContactKeys(`k2:${a}, k1:${b}`);
    expect('keys' in parsed && parsed.keys.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(parseContactKeys(`k1:${randomBytes(16).toString('base64')}`)).toEqual({ error: expect.stringMatching(/32 random bytes/) });
    expect(parseContactKeys(`k1:${a},k1:${b}`)).toEqual({ error: expect.stringMatching(/used twice/) });
    expect(parseContactKeys(`K 1:${a}`)).toEqual({ error: expect.stringMatching(/id:base64/) });
    expect(parseContactKeys('')).toEqual({ error: expect.stringMatching(/at least one/) });
  });
});
