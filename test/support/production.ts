import { randomBytes } from 'node:crypto';

/** A production configuration that starts: every setting real-looking (none of them real). */
export const PRODUCTION_ENV: Record<string, string> = {
  NODE_ENV: 'production',
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  TWILIO_AUTH_TOKEN: '0123456789abcdef0123456789abcdef',
  TWILIO_ACCOUNT_SID: 'AC' + 'a'.repeat(32),
  PUBLIC_URL: 'https://ruta.example.org',
  PSEUDONYM_SECRET: 'p'.repeat(48),
  CONTACT_KEYS: `k1:${randomBytes(32).toString('base64')}`,
};
