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

describe('SMS cost of a pre-screen (mason, Dominican Republic), measured through the webhook', () => {
  const table: string[] = [];
  afterAll(() => {
    process.stdout.write(`\nSMS segments of the pre-screen (mason, DO): statement turns and the result turn:\n${table.join('\n')}\n`);
  });
  let n = 0;
  for (const lang of ['es', 'en', 'ht'] as const) {
    it(`${lang}: every turn stays GSM-7; the result fits in 12 segments`, async () => {
      const from = `+1809${String(6200000 + ++n)}`;
      // Consent, pre-screen, country, trade, confirm, years, learned, evidence, 7 statements (mixed).
      const replies = await app.chat(from, [GREETING[lang], '1', '2', '1', TRADE[lang], '1', '6', '1', '2', '1', '1', '2', '1', '3', '1', '1']);
      const statementTurns = replies.slice(8, 15).map((r) => r.messages.map(countSegments).reduce((s, c) => s + c.segments, 0));
      const result = replies.at(-1)!.messages.map(countSegments);
      const resultSegments = result.reduce((s, c) => s + c.segments, 0);
      const all = replies.flatMap((r) => r.messages.map(countSegments));
      table.push(`  ${lang}: statements ${Math.min(...statementTurns)}–${Math.max(...statementTurns)} segments each; result ${resultSegments} segments in ${result.length} message(s); whole pre-screen ${all.slice(2).reduce((s, c) => s + c.segments, 0)} segments`);
      expect(all.every((c) => c.encoding === 'GSM-7')).toBe(true);
      expect(resultSegments).toBeLessThanOrEqual(12);
    });
  }
});

describe('SMS cost of booking (mason, Dominican Republic), measured through the webhook', () => {
  const table: string[] = [];
  afterAll(() => {
    process.stdout.write(`\nSMS segments of booking (mason, DO): per turn from the appointments option to the confirmation:\n${table.join('\n')}\n`);
  });
  let n = 0;
  for (const lang of ['es', 'en', 'ht'] as const) {
    it(`${lang}: every turn stays GSM-7; the confirmation fits in 10 segments`, async () => {
      const from = `+1809${String(6300000 + ++n)}`;
      // Consent, appointments, country, construction, mason, a town, first slot, no name, confirm.
      const replies = await app.chat(from, [GREETING[lang], '1', '3', '1', '1', '1', 'santo domingo', '1', '0', '1']);
      const perTurn = replies.slice(2).map((r) => r.messages.map(countSegments).reduce((s, c) => s + c.segments, 0));
      const all = replies.flatMap((r) => r.messages.map(countSegments));
      const confirmation = perTurn.at(-1)!;
      table.push(`  ${lang}: turns ${perTurn.join(' + ')} = ${perTurn.reduce((a, b) => a + b, 0)} segments; confirmation ${confirmation}`);
      expect(all.every((c) => c.encoding === 'GSM-7')).toBe(true);
      expect(confirmation).toBeLessThanOrEqual(10);
    });
  }
});
