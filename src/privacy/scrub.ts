/**
 * Removes what identifies a person from a text before it leaves Ruta (to a language model):
 * e-mail addresses, phone numbers, and identity numbers (cédulas, CURP, passports, any long
 * run of digits). Years ("since 2019") and small numbers ("8 años") are kept: they are the
 * experience the model has to read.
 *
 * @example scrubPii('soy albañil, mi cel 809-555-0100') === 'soy albañil, mi cel [phone]'
 */
export function scrubPii(text: string): string {
  return (
    text
      .replace(/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu, '[email]')
      // Mexican CURP (18 characters) and RFC-like codes: letters and digits mixed, 10 or more.
      .replace(/\b(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{8,}\b/g, '[id]')
      // Dominican cédula 001-1234567-8 and other hyphenated ID numbers.
      .replace(/\b\d{3}-\d{6,7}-\d\b/g, '[id]')
      // Phone numbers: an optional +, then 7 or more digits with spaces, dots, dashes or brackets.
      .replace(/(?:\+|\b)\d[\d\s().-]{5,}\d\b/g, (m) => (m.replace(/\D/g, '').length >= 7 ? '[phone]' : m))
      // Any other long number (passport, social security): 6 digits or more. Years have 4.
      .replace(/\b\d{6,}\b/g, '[id]')
  );
}
