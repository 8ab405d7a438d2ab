import { describe, expect, it } from 'vitest';
import { canSeeCentre, safeNext } from '../../src/console/access.js';
import { languageOf } from '../../src/console/consoleI18n.js';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, sessionExpired } from '../../src/console/consoleSession.js';

describe('console access rules', () => {
  it('lets a person see a centre of their institution when they see all, or it is in their list', () => {
    const centre = { id: 'infotep-santiago', institution: 'infotep' };
    expect(canSeeCentre({ role: 'staff', institution: 'infotep', centres: 'all' }, centre)).toBe(true);
    expect(canSeeCentre({ role: 'staff', institution: 'infotep', centres: ['infotep-santiago'] }, centre)).toBe(true);
    expect(canSeeCentre({ role: 'staff', institution: 'infotep', centres: ['infotep-santo-domingo'] }, centre)).toBe(false);
    expect(canSeeCentre({ role: 'staff', institution: 'ina', centres: 'all' }, centre)).toBe(false);
    // A list naming another institution's centre does not open it.
    expect(canSeeCentre({ role: 'staff', institution: 'ina', centres: ['infotep-santiago'] }, centre)).toBe(false);
  });

  it('never lets a coordinator see a centre, even one of the institution that invited them', () => {
    const centre = { id: 'infotep-santiago', institution: 'infotep' };
    expect(canSeeCentre({ role: 'coordinator', institution: 'infotep', centres: 'all' }, centre)).toBe(false);
  });

  it('accepts only local console paths after sign-in', () => {
    for (const ok of ['/console', '/console/users', '/console/centres/infotep-santiago?tab=hours', '/console?x=1']) expect(safeNext(ok)).toBe(ok);
    for (const bad of [undefined, 42, '', 'https://evil.example', '//evil.example', '/\\evil', '/consolex', '/console//evil', '/console/../x', '/console/%2e%2e/x', `/console/${'a'.repeat(600)}`, 'javascript:alert(1)'])
      expect(safeNext(bad), String(bad)).toBe('/console');
  });

  it('ends a session after 8 idle hours or 12 hours in all', () => {
    const start = 1_000_000;
    expect(sessionExpired({ startedAt: start, seenAt: start }, start + SESSION_IDLE_MS)).toBe(false);
    expect(sessionExpired({ startedAt: start, seenAt: start }, start + SESSION_IDLE_MS + 1)).toBe(true);
    expect(sessionExpired({ startedAt: start, seenAt: start + 11 * 3600_000 }, start + SESSION_ABSOLUTE_MS + 1)).toBe(true);
    expect(sessionExpired({}, start)).toBe(true);
  });

  it('reads the language from the lang cookie, Spanish otherwise', () => {
    expect(languageOf('a=b; lang=en')).toBe('en');
    expect(languageOf('lang=ht')).toBe('es');
    expect(languageOf(undefined)).toBe('es');
  });
});
