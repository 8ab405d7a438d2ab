import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type TurnContext } from 'botbuilder';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { RutaBot } from '../bot/RutaBot.js';
import { errorCode, type Logger } from '../log.js';
import { pseudonymize } from '../privacy/pseudonym.js';
import type { TurnLock } from '../store/TurnLock.js';
import type { RutaI18n } from '../i18n.js';

/** CloudAdapter with its activity processing reachable, so errors are handled (and logged) here. */
class RutaCloudAdapter extends CloudAdapter {
  run(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(authHeader, activity, logic);
  }
}

/** The fields Ruta relies on; the rest of the activity is passed through to botbuilder. */
const activitySchema = z
  .object({
    type: z.string().min(1),
    channelId: z.string().min(1),
    serviceUrl: z.string().min(1),
    from: z.looseObject({ id: z.string().min(1) }),
    conversation: z.looseObject({ id: z.string().min(1) }),
    recipient: z.looseObject({ id: z.string() }),
    text: z.string().max(10_000).optional(),
  })
  .loose();

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
  const adapter = new RutaCloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, err: Error) => {
    deps.log.error('bf_turn_failed', { code: errorCode(err) });
    await context.sendActivity(deps.i18n.t('es')('common.error'));
  };

  const logic = async (context: TurnContext) => {
    const pid = pseudonymize(deps.pseudonymSecret, `${context.activity.channelId}:${context.activity.from?.id ?? ''}`);
    const result = await deps.lock.run(`turn/${pid}`, deps.turnWaitMs, () => deps.bot.handleTurn(context));
    if (!result.ok) await context.sendActivity(deps.i18n.t('es')('common.busy'));
  };

  const router = express.Router();
  router.use(express.json({ limit: '256kb' }));
  // CloudAdapter.process() would print raw errors with stacks; this does the same work with
  // structured logs: 400 for a malformed activity, 401 when authentication fails.
  router.post('/', async (req, res) => {
    const parsed = activitySchema.safeParse(req.body);
    if (!parsed.success) {
      deps.log.warn('bf_activity_invalid', { fields: parsed.error.issues.map((i) => i.path.join('.')).join(',') });
      res.status(400).json({ error: 'bad_request' });
      return;
    }
    try {
      const activity: Activity = { ...req.body, ...parsed.data };
      const invoke = await adapter.run(req.get('authorization') ?? '', activity, logic);
      res.status(invoke?.status ?? 200);
      if (invoke?.body !== undefined) res.json(invoke.body);
      else res.end();
    } catch (err) {
      // botframework-connector's AuthenticationError carries statusCode 401.
      const unauthorized = typeof err === 'object' && err !== null && 'statusCode' in err && err.statusCode === 401;
      deps.log[unauthorized ? 'warn' : 'error']('bf_request_failed', { code: errorCode(err), status: unauthorized ? 401 : 500 });
      res.status(unauthorized ? 401 : 500).json({ error: unauthorized ? 'unauthorized' : 'internal_error' });
    }
  });
  return router;
}
