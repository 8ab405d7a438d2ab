import { describe, expect, it } from 'vitest';
import type { TurnContext } from 'botbuilder';
import { RUTA_OUTCOME, RUTA_RENDERED, type TurnOutcome } from '../../src/bot/RutaTurn.js';
import { TwilioAdapter } from '../../src/channels/twilio/TwilioAdapter.js';
import { inboundMessageSchema } from '../../src/channels/twilio/schemas.js';
import { renderForChannel } from '../../src/channels/render.js';

// The bot renders a turn's SMS replies once (it counts their segments for analytics); the channel
// sends that rendering rather than making it again — only when it is a rendering of exactly what was sent.
const message = inboundMessageSchema.parse({ MessageSid: `SM${'b'.repeat(32)}`, AccountSid: `AC${'0'.repeat(32)}`, From: '+18090000002', To: '+15005550006', Body: 'Hola', NumMedia: '0' });
const run = (logic: (context: TurnContext) => Promise<void>) => new TwilioAdapter().process({ message, pid: 'q'.repeat(32), countryHint: 'DO' }, logic);

describe('TwilioAdapter: the bot\'s SMS rendering', () => {
  it('is returned with the texts when it renders exactly the texts sent', async () => {
    const texts = ['*Menú*', '1. Rutas'];
    const rendered = renderForChannel(texts, 'sms');
    const result = await run(async (context) => {
      for (const t of texts) await context.sendActivity(t);
      context.turnState.set(RUTA_RENDERED, { texts: [...texts], rendered });
    });
    expect(result).toEqual({ texts, rendered, outcome: {} });
    expect(result.rendered![0]!.body).toBe('Menu\n\n1. Rutas');
  });

  it('is left out when it does not match what was sent (the channel renders it itself) or was never made', async () => {
    const stale = await run(async (context) => {
      context.turnState.set(RUTA_RENDERED, { texts: ['Hola'], rendered: renderForChannel(['Hola'], 'sms') });
      await context.sendActivity('Adiós');
    });
    expect(stale).toEqual({ texts: ['Adiós'], outcome: {} });
    expect(await run(async (context) => void (await context.sendActivity('Hola')))).toEqual({ texts: ['Hola'], outcome: {} });
  });
});

describe('TwilioAdapter: a finished turn', () => {
  it("lets go of the turn's state once the turn is over, whether it ended well or threw", async () => {
    let kept: Map<unknown, unknown> | undefined;
    const result = await run(async (context) => {
      kept = context.turnState;
      context.turnState.set('dialogs', { stack: ['menu'] });
      await context.sendActivity('Hola');
    });
    // What the turn sent is still returned; what it kept for itself is gone.
    expect(result).toEqual({ texts: ['Hola'], outcome: {} });
    expect(kept?.size).toBe(0);

    let failed: Map<unknown, unknown> | undefined;
    await expect(
      run(async (context) => {
        failed = context.turnState;
        context.turnState.set('dialogs', { stack: ['menu'] });
        throw new Error('dialog failed');
      }),
    ).rejects.toThrow('dialog failed');
    expect(failed?.size).toBe(0);
  });
});

describe('TwilioAdapter: where the turn left the worker', () => {
  it('returns the step and language the bot wrote, for the webhook\'s one log line of the turn', async () => {
    const result = await run(async (context) => {
      const outcome: TurnOutcome | undefined = context.turnState.get(RUTA_OUTCOME);
      Object.assign(outcome!, { step: 'menu.main', language: 'ht' });
      await context.sendActivity('Meni');
    });
    expect(result.outcome).toEqual({ step: 'menu.main', language: 'ht' });
  });
});
