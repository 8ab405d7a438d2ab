import { randomInt } from 'node:crypto';

/**
 * Letters and digits that cannot be mistaken for one another when read aloud, handwritten or
 * typed on a feature phone: no 0/O/Q/D, 1/I/L/J, 2/Z, 5/S, 6/G, 8/B, U/V.
 */
export const CODE_ALPHABET = 'ACEFHKMNPRTWXY3479';
export const CODE_LENGTH = 6;

/** A new random booking code, e.g. 'K7MX4P' (18^6 ≈ 34 million codes). */
export function newBookingCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}
