import MessagingResponse from 'twilio/lib/twiml/MessagingResponse.js';
import { describe, expect, it } from 'vitest';
import { messagingTwiml } from '../../src/channels/twilio/twiml.js';

/** Twilio's own builder: what Ruta wrote before, and the reference for what it writes now. */
function builder(bodies: string[]): string {
  const twiml = new MessagingResponse();
  for (const body of bodies) twiml.message(body);
  return twiml.toString();
}

/** A small seeded generator (mulberry32): the same strings on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters XML can carry, with every one the builder escapes and the kinds replies hold.
const POOL = [...'aZ09 .,;:!?¿¡-_/\\()[]{}#%*+=@|~^`$', '&', '<', '>', '"', "'", '\r', '\n', '\t', ...'áéíóúñüÁÉÍÓÚÑÜ', ...'èòàç', '€', '’', '“', '”', '…', '\u00a0', '\u200b', '😀', '👷🏽‍♀️', '🇩🇴', '中', '\ud7ff', '\ue000', '\ufffd', '\u{10ffff}', '&amp;', ']]>', '<![CDATA[', '<!--'];

describe('messagingTwiml', () => {
  it('writes what twilio\'s builder writes, byte for byte, for replies of every kind', () => {
    const next = random(20261206);
    for (let n = 0; n < 3000; n++) {
      const bodies = Array.from({ length: Math.floor(next() * 4) }, () => Array.from({ length: Math.floor(next() * 40) }, () => POOL[Math.floor(next() * POOL.length)]).join(''));
      expect(messagingTwiml(bodies)).toBe(builder(bodies));
    }
  });

  it('answers with no message as the builder does, and keeps each message apart', () => {
    expect(messagingTwiml([])).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(messagingTwiml(['Hola', 'Bonjou & <mèsi>'])).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Message>Hola</Message><Message>Bonjou &amp; &lt;mèsi&gt;</Message></Response>');
  });

  it('leaves out what XML cannot carry, where the builder throws (the worker would get no answer)', () => {
    for (const bad of ['\u0000', '\u0001', '\u0008', '\u000b', '\u001f', '\ud800', '\udfff', '\ufffe', '\uffff']) {
      expect(() => builder([`a${bad}b`])).toThrow(/Invalid character/);
      expect(messagingTwiml([`a${bad}b & c`])).toBe(builder(['ab & c']));
    }
  });
});
