import { describe, expect, it } from 'vitest';
import { commonPasswords, hashPassword, passwordProblem, verifyPassword } from '../../src/console/accounts/password.js';

describe('console passwords', () => {
  it('stores scrypt$N$r$p$salt$hash with a 16-byte salt and a 64-byte key, a new salt each time', async () => {
    const a = await hashPassword('una frase larga de prueba');
    const b = await hashPassword('una frase larga de prueba');
    const [scheme, N, r, p, salt, key] = a.split('$');
    expect([scheme, N, r, p]).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64url')).toHaveLength(64);
    expect(b).not.toBe(a);
  });

  it('verifies the right password only, and refuses malformed or tampered hashes', async () => {
    const stored = await hashPassword('una frase larga de prueba');
    expect(await verifyPassword('una frase larga de prueba', stored)).toBe(true);
    expect(await verifyPassword('una frase larga de prueba!', stored)).toBe(false);
    expect(await verifyPassword('una frase larga de prueba', stored.replace('$32768$', '$1073741824$'))).toBe(false);
    expect(await verifyPassword('una frase larga de prueba', 'plain')).toBe(false);
    expect(await verifyPassword('x', `${stored.slice(0, -4)}AAAA`)).toBe(false);
  });

  it('refuses passwords under 12 characters, over 200, and the 100 common ones in any case', () => {
    expect(commonPasswords().size).toBe(100);
    expect(passwordProblem('once letras')).toBe('too_short');
    expect(passwordProblem('x'.repeat(201))).toBe('too_long');
    expect(passwordProblem('QwertyUiopAsdfghjkl')).toBe('too_common');
    expect(passwordProblem('Contraseña123')).toBe('too_common');
    expect(passwordProblem('mi perro come arroz a las siete')).toBeUndefined();
    // Characters, not bytes: 12 accented letters are 12 characters.
    expect(passwordProblem('ñññññññññññ')).toBe('too_short');
    expect(passwordProblem('ññññññññññññ')).toBeUndefined();
  });
});
