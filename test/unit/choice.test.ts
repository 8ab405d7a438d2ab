import { describe, expect, it } from 'vitest';
import { recognizeChoice, type MenuOption } from '../../src/language/choice.js';
import { YES, NO } from '../../src/language/keywords.js';

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

  it('a signed number is not an option ("-1" would fold to "1")', () => {
    expect(recognizeChoice('-1', yesNo)).toEqual({ ok: false, reason: 'no_match' });
    expect(recognizeChoice('+2', countries)).toEqual({ ok: false, reason: 'no_match' });
    expect(recognizeChoice('1', yesNo)).toMatchObject({ ok: true, id: 'yes', how: 'number' });
  });

  const sectors: MenuOption[] = [
    { id: 'construction', label: 'Construction' },
    { id: 'food', label: 'Kitchen and restaurant' },
    { id: 'care', label: 'Home and caring for people' },
  ];
  it('"for" is not "four", and a word shared with an option inside a longer text is only a partial match', () => {
    // Function words never match an option.
    expect(recognizeChoice('I have laid blocks for 8 years', sectors)).toEqual({ ok: false, reason: 'no_match' });
    expect(recognizeChoice('going to work too', sectors)).toEqual({ ok: false, reason: 'no_match' });
    // One word of the option among others: partial (a free-text menu reads the text first).
    expect(recognizeChoice('I work in construction laying blocks', sectors)).toEqual({ ok: true, id: 'construction', how: 'partial' });
    // The whole reply names the option: a choice.
    expect(recognizeChoice('construction', sectors)).toMatchObject({ ok: true, id: 'construction', how: 'label' });
    expect(recognizeChoice('in construction', sectors)).toMatchObject({ ok: true, id: 'construction', how: 'fuzzy' });
    expect(recognizeChoice('kitchen restaurant', sectors)).toMatchObject({ ok: true, id: 'food', how: 'fuzzy' });
  });
});

