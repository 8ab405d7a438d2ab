import type { Catalog } from '../catalog/Catalog.js';

/**
 * Numbers of the console's simulator: a country's dialling prefix followed by a 0. National
 * numbers in all of Ruta's countries, and NANP exchange codes (the Dominican Republic's +1 809,
 * 829, 849), never start with 0, so such a number can never belong to a person: the webhook marks
 * its turns as simulated (kept out of analytics) and nothing is ever sent to it.
 *
 * @example simulatedNumber(catalog, 'DO', 1) === '+18090000001'
 * @example isSimulatedNumber('whatsapp:+18090000001', catalog) === true
 * @example isSimulatedNumber('+18095550100', catalog) === false
 */
export function isSimulatedNumber(e164: string, catalog: Pick<Catalog, 'countries'>): boolean {
  const number = e164.replace(/^whatsapp:/i, '');
  if (!/^\+\d{6,15}$/.test(number)) return false;
  const digits = number.slice(1);
  // The longest prefix of any country that the number starts with, then a 0.
  let longest = '';
  for (const country of catalog.countries) for (const prefix of country.dialPrefixes) if (digits.startsWith(prefix) && prefix.length > longest.length) longest = prefix;
  return longest !== '' && digits[longest.length] === '0';
}

/** How many digits follow the 0: a million simulator users per country. */
const SEQUENCE_DIGITS = 6;

/**
 * The simulated number of the `sequence`-th simulator user in a country (its first dialling prefix, a 0, the sequence).
 * Throws for an unknown country or a sequence out of range (a programming error).
 */
export function simulatedNumber(catalog: Pick<Catalog, 'country'>, countryCode: string, sequence: number): string {
  const country = catalog.country(countryCode);
  if (!country) throw new Error(`unknown country ${countryCode}`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence >= 10 ** SEQUENCE_DIGITS) throw new Error(`simulator sequence out of range: ${sequence}`);
  return `+${country.dialPrefixes[0]}0${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}
