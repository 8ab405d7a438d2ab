import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import express, { type Router } from 'express';
import type { RutaBot } from '../bot/RutaBot.js';
import { errorCode, type Logger } from '../log.js';
import { pseudonymize } from '../privacy/pseudonym.js';
import type { TurnLock } from '../store/TurnLock.js';
import type { RutaI18n } from '../i18n.js';

export interface BotFrameworkDeps {
  appId: string | undefined;
  appPassword: string | undefined;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  tenantId: string | undefined;
  pseudonymSecret: string;
  turnWaitMs: number;
  bot: RutaBot;
  lock: TurnLock;
  i18n: RutaI18n;
  log: Logger;
}

/**
 * POST /api/messages — the Bot Framework protocol (Emulator, Web Chat) through botbuilder's
 * CloudAdapter: anonymous when no MICROSOFT_APP_ID is configured, authenticated when it is.
 */
export function botFrameworkRoutes(deps: BotFrameworkDeps): Router {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: deps.appId ?? '',
    MicrosoftAppPassword: deps.appPassword ?? '',
    MicrosoftAppType: deps.appType,
    MicrosoftAppTenantId: deps.tenantId ?? '',
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, err: Error) => {
    deps.log.error('bf_turn_failed', { code: errorCode(err) });
    await context.sendActivity(deps.i18n.t('es')('common.error'));
  };

  const router = express.Router();
  router.use(express.json({ limit: '256kb' }));
  router.post('/', async (req, res) => {
    await adapter.process(req, res, async (context) => {
      const pid = pseudonymize(deps.pseudonymSecret, `${context.activity.channelId}:${context.activity.from?.id ?? ''}`);
      const result = await deps.lock.run(`turn/${pid}`, deps.turnWaitMs, () => deps.bot.handleTurn(context));
      if (!result.ok) await context.sendActivity(deps.i18n.t('es')('common.busy'));
    });
  });
  return router;
}
