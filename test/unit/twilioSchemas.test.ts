import { describe, expect, it } from 'vitest';
import { inboundMessageSchema, MAX_BODY_CHARS } from '../../src/channels/twilio/schemas.js';

// Twilio's inbound webhook as Ruta reads it: what identifies the message is required; every
// other field degrades to "not given" when malformed, so a signed message always gets an answer.

const BASE = { MessageSid: `SM${'a'.repeat(32)}`, AccountSid: `AC${'b'.repeat(32)}`, From: '+18095550100', To: '+15005550006', Body: 'Hola', NumMedia: '0', SmsStatus: 'received' };
const read = (extra: Record<string, string>) => inboundMessageSchema.parse({ ...BASE, ...extra });

describe('the inbound message webhook', () => {
  it('requires the message and account ids and both addresses', () => {
    for (const missing of ['MessageSid', 'AccountSid', 'From', 'To'] as const) {
      const { [missing]: _gone, ...rest } = BASE;
      expect(inboundMessageSchema.safeParse(rest).success, missing).toBe(false);
    }
    expect(inboundMessageSchema.safeParse({ ...BASE, MessageSid: 'SM123' }).success).toBe(false);
    expect(inboundMessageSchema.safeParse({ ...BASE, AccountSid: `XX${'b'.repeat(32)}` }).success).toBe(false);
  });

  it('reads a missing body as empty and cuts a long one without splitting an emoji', () => {
    const { Body: _none, ...noBody } = BASE;
    expect(inboundMessageSchema.parse(noBody).Body).toBe('');
    expect(read({ Body: 'x'.repeat(MAX_BODY_CHARS + 50) }).Body).toHaveLength(MAX_BODY_CHARS);
    expect(read({ Body: `${'x'.repeat(MAX_BODY_CHARS - 1)}😀` }).Body).toBe('x'.repeat(MAX_BODY_CHARS - 1));
  });

  it.each([
    ['2', 2],
    ['0', 0],
    ['', 0],
    ['x', 0],
    ['11', 0],
    ['-1', 0],
    ['1.5', 0],
  ])('reads NumMedia %j as %j', (given, expected) => {
    expect(read({ NumMedia: given }).NumMedia).toBe(expected);
  });

  it('reads a missing NumMedia as 0', () => {
    const { NumMedia: _none, ...rest } = BASE;
    expect(inboundMessageSchema.parse(rest).NumMedia).toBe(0);
  });

  it.each([
    [{ Latitude: '18.47', Longitude: '-69.9' }, 18.47, -69.9],
    [{ Latitude: ' 18.5 ', Longitude: '+70' }, 18.5, 70],
    [{ Latitude: '', Longitude: '' }, undefined, undefined],
    [{ Latitude: 'abc', Longitude: '-69.9' }, undefined, -69.9],
    [{ Latitude: '91', Longitude: '-181' }, undefined, undefined],
    [{ Latitude: '-90', Longitude: '180' }, -90, 180],
    [{ Latitude: '1e2', Longitude: '0x10' }, undefined, undefined],
    [{}, undefined, undefined],
  ])('reads the location %j as %j, %j', (given, latitude, longitude) => {
    const m = read(given);
    expect(m.Latitude).toBe(latitude);
    expect(m.Longitude).toBe(longitude);
  });

  it('keeps well-formed optional fields and drops malformed ones', () => {
    const good = read({ NumSegments: '3', ProfileName: 'Ana', WaId: '18095550100', OptOutType: 'STOP', ButtonPayload: 'yes', MessagingServiceSid: `MG${'c'.repeat(32)}` });
    expect(good).toMatchObject({ NumSegments: 3, ProfileName: 'Ana', WaId: '18095550100', OptOutType: 'STOP', ButtonPayload: 'yes' });
    const bad = read({ NumSegments: '-2', OptOutType: 'stop please' });
    expect(bad.NumSegments).toBeUndefined();
    expect(bad.OptOutType).toBeUndefined();
    // A malformed messaging service id is not optional data Ruta can drop: it is refused.
    expect(inboundMessageSchema.safeParse({ ...BASE, MessagingServiceSid: 'MG1' }).success).toBe(false);
  });

  it('keeps the fields it does not know (Twilio adds some)', () => {
    expect(read({}).SmsStatus).toBe('received');
  });
});
