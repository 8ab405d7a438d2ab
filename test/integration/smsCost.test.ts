import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSegments } from '../../src/channels/segments.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('smscost');
});
afterAll(async () => {
  await app.close();
});

const GREETING = { es: 'Hola', en: 'Hi', ht: 'Bonjou' } as const;
const TRADE = { es: 'albañil', en: 'mason', ht: 'bòs mason' } as const;
const PHONE = { DO: '+1809', MX: '+52155', CR: '+506' } as const;

describe('SMS cost of a route explanation (mason), measured through the webhook', () => {
  const table: string[] = [];
  afterAll(() => {
    process.stdout.write(`\nSMS segments of the route answer turn (mason):\n${table.join('\n')}\n`);
  });

  let n = 0;
  for (const lang of ['es', 'en', 'ht'] as const) {
    for (const country of ['DO', 'MX', 'CR'] as const) {
      it(`${lang} ${country}: stays GSM-7 and within 14 segments`, async () => {
        const from = `${PHONE[country]}${String(6100000 + ++n)}`;
        const replies = await app.chat(from, [GREETING[lang], '1', '1', '1', TRADE[lang], '1']);
        const answer = replies.at(-1)!.messages;
        const counts = answer.map(countSegments);
        const segments = counts.reduce((s, c) => s + c.segments, 0);
        table.push(`  ${lang} ${country}: ${answer.length} message(s), ${segments} segments, ${counts.map((c) => c.encoding).join('+')}, ${answer.join('').length} chars`);
        expect(counts.every((c) => c.encoding === 'GSM-7')).toBe(true);
        expect(segments).toBeLessThanOrEqual(14);
      });
    }
  }
});
