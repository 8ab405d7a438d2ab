import { describe, expect, it } from 'vitest';
import type { TurnContext } from 'botbuilder';
import { RUTA_EXTRAS, type InboundExtras } from '../../src/bot/RutaTurn.js';
import { TwilioAdapter } from '../../src/channels/twilio/TwilioAdapter.js';
import { inboundMessageSchema } from '../../src/channels/twilio/schemas.js';

/** What a turn's extras say for a message from a simulated number, and from any other. */
async function extrasOf(simulated: boolean | undefined): Promise<InboundExtras> {
  const message = inboundMessageSchema.parse({ MessageSid: `SM${'a'.repeat(32)}`, AccountSid: `AC${'0'.repeat(32)}`, From: '+18090000001', To: '+15005550006', Body: 'Hola', NumMedia: '0' });
  let seen: InboundExtras | undefined;
  await new TwilioAdapter().process({ message, pid: 'p'.repeat(32), countryHint: 'DO', ...(simulated === undefined ? {} : { simulated }) }, async (context: TurnContext) => {
    seen = context.turnState.get(RUTA_EXTRAS);
  });
  return seen!;
}

describe('TwilioAdapter and simulated turns', () => {
  it('sets extras.simulated (which analytics reads too) for the console simulator, and leaves it out otherwise', async () => {
    expect(await extrasOf(true)).toMatchObject({ simulated: true });
    for (const other of [false, undefined]) {
      const extras = await extrasOf(other);
      expect(extras.simulated).toBeUndefined();
    }
  });
});
