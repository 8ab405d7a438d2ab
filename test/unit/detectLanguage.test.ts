import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../src/language/detectLanguage.js';

describe('detectLanguage', () => {
  it.each([
    ['Hola', 'es'],
    ['hola buenas tardes', 'es'],
    ['Buenos días, quiero certificarme', 'es'],
    ['q tal, necesito ayuda', 'es'],
    ['Hi', 'en'],
    ['Hello', 'en'],
    ['good morning, I need help with my work', 'en'],
    ['Bonjou', 'ht'],
    ['Bonswa', 'ht'],
    ['Sak pase', 'ht'],
    ['Alo', 'ht'],
    ['mwen se bòs mason, mwen bezwen yon sètifika', 'ht'],
    ['¿Cómo puedo certificar mi trabajo?', 'es'],
    ['How can I get a certificate for my work?', 'en'],
    ['Kijan mwen ka jwenn yon sètifika?', 'ht'],
    ['mwen se bos mason m ap travay nan panyol', 'ht'],
    ['EFASE', 'ht'],
    ['BORRAR', 'es'],
    ['delete', 'en'],
    ['Bonjour', 'fr'],
    ['Bonjour, je cherche du travail', 'fr'],
  ])('%j is %s', (text, language) => {
    expect(detectLanguage(text).language).toBe(language);
  });

  // Stretched greetings and doubled final letters, as typed on a phone.
  it.each([
    ['holaa', 'es'],
    ['Holaaaa', 'es'],
    ['buenass', 'es'],
    ['hoola', 'es'],
    ['hii', 'en'],
    ['Hiiii', 'en'],
    ['helloo', 'en'],
    ['heyy', 'en'],
    ['bonjouu', 'ht'],
    ['Bonjouuuu', 'ht'],
    ['bonswaa', 'ht'],
    ['mesii anpil', 'ht'],
  ])('%j, stretched, is %s', (text, language) => {
    expect(detectLanguage(text).language).toBe(language);
  });

  it.each(['', '👍', '12345', 'ok', 'xyzzy'])('leaves %j undetermined', (text) => {
    expect(detectLanguage(text).language).toBeUndefined();
  });
});
