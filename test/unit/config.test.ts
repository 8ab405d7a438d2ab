import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_TWILIO_AUTH_TOKEN, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('runs on embedded defaults for development', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3978);
    expect(c.PUBLIC_URL).toBe('http://localhost:3978');
    expect(c.TWILIO_AUTH_TOKEN).toBe(DEV_TWILIO_AUTH_TOKEN);
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.defaulted).toEqual(['PUBLIC_URL', 'TWILIO_AUTH_TOKEN', 'PSEUDONYM_SECRET', 'REDIS_URL']);
    expect(c.CONVERSATION_TTL_SECONDS).toBe(30 * 24 * 3600);
  });

  it('refuses to start in production without Redis and the secrets, naming each', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    try {
      loadConfig({ NODE_ENV: 'production', TWILIO_AUTH_TOKEN: 'x', PUBLIC_URL: 'https://r.example', PSEUDONYM_SECRET: 'a'.repeat(32) });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual(['REDIS_URL: is required when NODE_ENV=production']);
    }
  });

  it('explains invalid values clearly', () => {
    try {
      loadConfig({ PORT: 'eighty', REDIS_URL: 'localhost:6379', TWILIO_ACCOUNT_SID: 'nope' });
      expect.unreachable();
    } catch (err) {
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^PORT: /m);
      expect(problems).toMatch(/REDIS_URL: must start with redis:\/\//);
      expect(problems).toMatch(/TWILIO_ACCOUNT_SID: must look like AC/);
    }
  });

  it('strips a trailing slash from PUBLIC_URL (signatures are computed over it)', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://ruta.example.org/' }).PUBLIC_URL).toBe('https://ruta.example.org');
  });
});
