import { CallerIdConstants, CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type TurnContext } from 'botbuilder';
import { AuthenticationConstants, type AuthenticateRequestResult } from 'botframework-connector';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { RutaBot } from '../bot/RutaBot.js';
import { RUTA_EXTRAS, RUTA_PID, type InboundExtras } from '../bot/RutaTurn.js';
import { errorCode, type Logger } from '../log.js';
import { botFrameworkPseudonym } from '../privacy/pseudonym.js';
import { lineOf, type TurnLock } from '../store/TurnLock.js';
import type { PseudonymRotation } from '../privacy/PseudonymRotation.js';
import type { RutaI18n } from '../i18n.js';
import { serviceUrlProblem } from './serviceUrls.js';

/** CloudAdapter with its activity processing reachable, so errors are handled (and logged) here. */
class RutaCloudAdapter extends CloudAdapter {
  run(auth: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(auth, activity, logic);
  }
}

/** The fields Ruta relies on; the rest of the activity is passed through to botbuilder. */
const activitySchema = z
  .object({
    type: z.string().min(1),
    channelId: z.string().min(1).max(64),
    serviceUrl: z.string().min(1).max(2048),
    from: z.looseObject({ id: z.string().min(1).max(256) }),
    conversation: z.looseObject({ id: z.string().min(1) }),
    recipient: z.looseObject({ id: z.string() }),
    text: z.string().max(10_000).optional(),
  })
  .loose();

export interface BotFrameworkDeps {
  /** Production: the endpoint exists only with Bot Framework authentication configured. */
  production: boolean;
  appId: string | undefined;
  appPassword: string | undefined;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  tenantId: string | undefined;
  /** Where the SDK reads the channels' signing keys (a sovereign cloud; tests point it at a fake). */
  openIdMetadataUrl: string | undefined;
  /** Hosts replies may go to besides the Bot Framework channels' own. */
  extraServiceHosts: readonly string[];
  pseudonymSecret: string;
  /** After a pseudonym secret rotation: moves a sender's data from the old pseudonym on contact. */
  rotation?: PseudonymRotation;
  turnWaitMs: number;
  bot: RutaBot;
  lock: TurnLock;
  i18n: RutaI18n;
  log: Logger;
}

/**
 * POST /api/messages — the Bot Framework protocol (Emulator, Web Chat) through botbuilder's
 * CloudAdapter. Anonymous only in development (the Emulator); in production the router is not
 * mounted at all unless MICROSOFT_APP_ID is set, and then every request's JWT is validated by
 * the SDK before anything else. Replies go only to allowed service URLs (never this machine or
 * a private network in production). A Bot Framework sender gets its own pseudonym namespace:
 * whatever `channelId` and `from.id` claim, it never reaches an SMS or WhatsApp conversation.
 */
export function botFrameworkRoutes(deps: BotFrameworkDeps): Router | undefined {
  const authenticated = deps.appId !== undefined;
  if (deps.production && !authenticated) {
    deps.log.warn('botframework_disabled', { reason: 'no MICROSOFT_APP_ID in production' });
    return undefined;
  }
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: deps.appId ?? '',
    MicrosoftAppPassword: deps.appPassword ?? '',
    MicrosoftAppType: deps.appType,
    MicrosoftAppTenantId: deps.tenantId ?? '',
    // The SDK takes either none or all of its endpoint settings: with another key endpoint, the
    // public cloud's values for every other one.
    ...(deps.openIdMetadataUrl
      ? {
          ValidateAuthority: true,
          ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
          ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
          ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
          OAuthUrl: AuthenticationConstants.OAuthUrl,
          ToBotFromChannelOpenIdMetadataUrl: deps.openIdMetadataUrl,
          ToBotFromEmulatorOpenIdMetadataUrl: deps.openIdMetadataUrl,
          CallerId: CallerIdConstants.PublicAzureChannel,
        }
      : {}),
  });
  const adapter = new RutaCloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, err: Error) => {
    deps.log.error('bf_turn_failed', { code: errorCode(err) });
    await context.sendActivity(deps.i18n.t('es')('common.error'));
  };

  const logic = async (context: TurnContext) => {
    const { channelId, from, attachments } = context.activity;
    const pid = botFrameworkPseudonym(deps.pseudonymSecret, channelId, from?.id ?? '');
    const extras: InboundExtras = { channelKind: 'chat', hasMedia: (attachments ?? []).length > 0 };
    context.turnState.set(RUTA_PID, pid);
    context.turnState.set(RUTA_EXTRAS, extras);
    const result = await deps.lock.run(lineOf(pid), deps.turnWaitMs, async () => {
      if (deps.rotation) await deps.rotation.adoptChat(channelId, from?.id ?? '', pid);
      await deps.bot.handleTurn(context);
    });
    if (!result.ok) await context.sendActivity(deps.i18n.t('es')('common.busy'));
  };

  const router = express.Router();
  router.use(express.json({ limit: '256kb' }));
  // CloudAdapter.process() would print raw errors with stacks; this does the same work with
  // structured logs: 400 for a malformed activity, 401 when authentication fails, 403 for a
  // service URL replies may not go to.
  router.post('/', async (req, res) => {
    const parsed = activitySchema.safeParse(req.body);
    if (!parsed.success) {
      deps.log.warn('bf_activity_invalid', { fields: parsed.error.issues.map((i) => i.path.join('.')).join(',') });
      res.status(400).json({ error: 'bad_request' });
      return;
    }
    const activity: Activity = { ...req.body, ...parsed.data };
    let identity: AuthenticateRequestResult;
    try {
      // The SDK's own validation: issuer, signature against the channel's published keys, audience, expiry.
      identity = await auth.authenticateRequest(activity, req.get('authorization') ?? '');
    } catch (err) {
      deps.log.warn('bf_unauthorized', { code: errorCode(err) });
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    const problem = serviceUrlProblem(activity.serviceUrl, { production: deps.production, extraHosts: deps.extraServiceHosts });
    if (problem) {
      deps.log.warn('bf_service_url_refused', { reason: problem });
      res.status(403).json({ error: 'service_url_not_allowed' });
      return;
    }
    try {
      const invoke = await adapter.run(identity, activity, logic);
      res.status(invoke?.status ?? 200);
      if (invoke?.body !== undefined) res.json(invoke.body);
      else res.end();
    } catch (err) {
      deps.log.error('bf_request_failed', { code: errorCode(err) });
      res.status(500).json({ error: 'internal_error' });
    }
  });
  return router;
}
