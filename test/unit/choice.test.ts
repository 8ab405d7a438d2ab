import { describe, expect, it } from 'vitest';
import { recognizeChoice, type MenuOption } from '../../src/bot/choice.js';
import { YES, NO } from '../../src/bot/keywords.js';

const yesNo: MenuOption[] = [
  { id: 'yes', label: 'Sí', synonyms: YES },
  { id: 'no', label: 'No', synonyms: NO },
];
const countries: MenuOption[] = [
  { id: 'MX', label: 'México' },
  { id: 'DO', label: 'República Dominicana', synonyms: ['RD', 'Dominicana'] },
  { id: 'CR', label: 'Costa Rica' },
];

describe('recognizeChoice', () => {
  it.each([
    ['2', 'DO'],
    [' 2. ', 'DO'],
    ['#2', 'DO'],
    ['dos', 'DO'],
    ['two', 'DO'],
    ['de', 'DO'],
    ['Twa', 'CR'],
    ['opción 1', 'MX'],
    ['nimewo 3', 'CR'],
  ])('reads the number or number word %j', (reply, id) => {
    expect(recognizeChoice(reply, countries)).toMatchObject({ ok: true, id });
  });

  it.each([
    ['mexico', 'MX'],
    ['MÉXICO', 'MX'],
    ['republica dominicana', 'DO'],
    ['Repúblika Dominicana', 'DO'],
    ['costa rika', 'CR'],
    ['dominicana', 'DO'],
    ['rd', 'DO'],
    ['en costa rica', 'CR'],
  ])('reads the label, a close variant or a synonym %j', (reply, id) => {
    expect(recognizeChoice(reply, countries)).toMatchObject({ ok: true, id });
  });

  it.each([
    ['si', 'yes'],
    ['Sí', 'yes'],
    ['wi', 'yes'],
    ['yes', 'yes'],
    ['dakò', 'yes'],
    ['dako', 'yes'],
    ['no', 'no'],
    ['non', 'no'],
  ])('understands yes/no in three languages %j', (reply, id) => {
    expect(recognizeChoice(reply, yesNo)).toMatchObject({ ok: true, id });
  });

  it('refuses numbers outside the menu', () => {
    expect(recognizeChoice('7', countries)).toEqual({ ok: false, reason: 'out_of_range' });
  });

  it('refuses empty, emoji-only and unrelated replies', () => {
    expect(recognizeChoice('', countries).ok).toBe(false);
    expect(recognizeChoice('👍👍', countries)).toEqual({ ok: false, reason: 'empty' });
    expect(recognizeChoice('asdfgh', countries)).toEqual({ ok: false, reason: 'no_match' });
  });

  it('does not guess between two equally close options', () => {
    const opts: MenuOption[] = [
      { id: 'a', label: 'Ver otro oficio' },
      { id: 'b', label: 'Ver otro país' },
    ];
    expect(recognizeChoice('ver otro', opts)).toEqual({ ok: false, reason: 'ambiguous' });
  });
});
