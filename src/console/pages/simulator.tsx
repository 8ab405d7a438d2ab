import type { Request, Response } from 'express';
import { LANGUAGES } from '../../catalog/schema.js';
import { MAX_BODY_CHARS } from '../../channels/twilio/schemas.js';
import { ROLES, coversCountry, type ConsoleUser } from '../accounts/Accounts.js';
import { pageContext, signedIn, viewerOf } from '../access.js';
import type { ConsolePages, ConsoleServices } from '../ConsoleServices.js';
import { formFields } from '../formBody.js';
import { sendPage } from '../render.js';
import { GREETINGS, SIM_CHANNELS, simSettingsSchema, Simulator, type SimEntry, type SimSettings } from '../simulator/Simulator.js';
import { errorsByField, type FieldError } from '../ui/ErrorSummary.js';
import { Button, PostForm, Radios, Select, TextInput } from '../ui/form.js';
import { Layout, type PageContext } from '../ui/Layout.js';
import { Notice } from '../ui/Notice.js';

/** The simulator: choose a channel, a country and a language, then write to Ruta as a worker would. */
function SimulatorPage(props: {
  ctx: PageContext;
  settings: SimSettings;
  countries: Array<{ code: string; name: string }>;
  number: string;
  entries: SimEntry[];
  message: string;
  errors: FieldError[];
  notice?: 'startedOver' | undefined;
}) {
  const { ctx, settings } = props;
  const { t } = ctx;
  const errors = errorsByField(props.errors);
  const hidden = (
    <>
      <input type="hidden" name="channel" value={settings.channel} />
      <input type="hidden" name="country" value={settings.country} />
      <input type="hidden" name="language" value={settings.language} />
    </>
  );
  return (
    <Layout ctx={ctx} title={t('simulator.title')} section="simulator" errors={props.errors}>
      <p class="lead">{t('simulator.intro')}</p>
      {props.notice === 'startedOver' && <Notice tone="success">{t('simulator.startedOver')}</Notice>}
      <details class="sim-settings" open={props.entries.length === 0}>
        <summary>
          {t('simulator.settingsSummary', {
            channel: t(`simulator.channel.${settings.channel}`),
            country: props.countries.find((c) => c.code === settings.country)?.name ?? settings.country,
            language: t(`simulator.languages.${settings.language}`),
          })}
        </summary>
        <form method="get" action="/console/simulator" class="narrow" aria-label={t('simulator.settingsTitle')}>
          <Radios
            name="channel"
            legend={t('simulator.channelLegend')}
            value={settings.channel}
            options={SIM_CHANNELS.map((c) => ({ value: c, label: t(`simulator.channel.${c}`) }))}
          />
          <Select name="country" label={t('simulator.country')} hint={t('simulator.countryHint')} value={settings.country} options={props.countries.map((c) => ({ value: c.code, label: c.name }))} />
          <Select name="language" label={t('simulator.language')} hint={t('simulator.languageHint')} value={settings.language} options={LANGUAGES.map((l) => ({ value: l, label: t(`simulator.languageOptions.${l}`) }))} />
          <Button variant="secondary">{t('simulator.apply')}</Button>
        </form>
      </details>
      <p class="sim-number">
        {t('simulator.number')} <code>{props.number}</code>
      </p>
      <section aria-labelledby="conversation-title">
        <h2 id="conversation-title">{t('simulator.conversation')}</h2>
        {props.entries.length === 0 ? (
          <p>{t('simulator.empty')}</p>
        ) : (
          <ol class="sim-conversation">
            {props.entries.map((e) => (
              <li class={`sim-message sim-message--${e.from}`}>
                <span class="visually-hidden">{t(e.from === 'worker' ? 'simulator.youWrote' : 'simulator.rutaWrote')}</span>
                <p class="sim-text">{settings.channel === 'whatsapp' && e.from === 'ruta' ? <WhatsAppText text={e.text} /> : e.text}</p>
                {e.from === 'ruta' && <p class="sim-meta">{e.segments ? t('simulator.segments', { count: e.segments.segments, encoding: e.segments.encoding, units: e.segments.units }) : t('simulator.whatsappLength', { count: e.text.length })}</p>}
              </li>
            ))}
          </ol>
        )}
      </section>
      <PostForm action="/console/simulator/send" csrfToken={ctx.csrfToken} class="sim-send" label={t('simulator.sendTitle')}>
        {hidden}
        <TextInput name="message" label={t('simulator.message')} hint={props.entries.length === 0 ? t('simulator.messageFirstHint') : undefined} value={props.message} error={errors.message} autocomplete="off" autofocus maxlength={MAX_BODY_CHARS} />
        <Button>{t('simulator.send')}</Button>
      </PostForm>
      <PostForm action="/console/simulator/start-over" csrfToken={ctx.csrfToken} class="sim-start-over" label={t('simulator.startOver')}>
        {hidden}
        <p class="field-hint">{t('simulator.startOverHint')}</p>
        <Button variant="secondary">{t('simulator.startOver')}</Button>
      </PostForm>
    </Layout>
  );
}

/**
 * A WhatsApp message as the worker's phone shows it: *bold* in bold, _italic_ in italics (the
 * markers WhatsApp itself reads); everything else as text, escaped like any text.
 *
 * @example <WhatsAppText text="*Hola*, soy Ruta" /> // <strong>Hola</strong>, soy Ruta
 */
export function WhatsAppText(props: { text: string }) {
  const parts = props.text.split(/(\*[^*\n]+\*|_[^_\n]+_)/g);
  return (
    <>
      {parts.map((part) =>
        /^\*[^*\n]+\*$/.test(part) ? <strong>{part.slice(1, -1)}</strong> : /^_[^_\n]+_$/.test(part) ? <em>{part.slice(1, -1)}</em> : part,
      )}
    </>
  );
}

/** The countries a person may simulate: a coordinator's scope; everyone else's, all of Ruta's. */
function countriesFor(user: ConsoleUser, services: ConsoleServices, lang: 'es' | 'en'): Array<{ code: string; name: string }> {
  return services.deps.catalog.countries
    .filter((c) => user.role !== 'coordinator' || coversCountry(user, c.code))
    .map((c) => ({ code: c.code, name: c.name[lang] }))
    .sort((a, b) => a.name.localeCompare(b.name, lang));
}

/** The settings asked for (query or form), or the person's defaults: SMS, their institution's (or first) country, Spanish. */
function settingsOf(raw: unknown, user: ConsoleUser, allowed: Array<{ code: string }>, services: ConsoleServices): SimSettings | undefined {
  const own = services.deps.catalog.institution(user.institution)?.country;
  const fallback = allowed.some((c) => c.code === own) ? own! : allowed[0]?.code;
  if (!fallback) return undefined;
  const fields = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const parsed = simSettingsSchema.safeParse({
    channel: fields.channel ?? 'sms',
    country: typeof fields.country === 'string' ? fields.country.toUpperCase() : fallback,
    language: fields.language ?? 'es',
  });
  // Something made up, or a country outside a coordinator's scope: the defaults.
  if (!parsed.success || !allowed.some((c) => c.code === parsed.data.country)) return { channel: 'sms', country: fallback, language: 'es' };
  return parsed.data;
}

const query = (s: SimSettings) => `channel=${s.channel}&country=${s.country}&language=${s.language}`;

/**
 * The server's own address, as the console's request reached it: the simulator posts to its own
 * webhook there (http, the signature over PUBLIC_URL as Twilio's would be).
 */
function ownBaseUrl(req: Request): string {
  const address = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${req.socket.localPort}`;
}

/**
 * GET /console/simulator, POST /console/simulator/send, POST /console/simulator/start-over: for
 * admins, staff and coordinators (coordinators only in their countries). Works without JavaScript:
 * each form posts, and the page comes back (303) with the conversation.
 */
export const simulatorPages: ConsolePages = (router, services) => {
  const { deps } = services;
  const simulator = new Simulator({
    store: deps.store,
    catalog: deps.catalog,
    publicUrl: deps.publicUrl,
    authToken: deps.webhook.authToken,
    accountSid: deps.webhook.accountSid,
    rutaNumber: deps.webhook.rutaNumber,
    now: deps.now,
  });

  const render = async (req: Request, res: Response, settings: SimSettings, extra: { message?: string; errors?: FieldError[]; status?: number; notice?: 'startedOver' } = {}) => {
    const me = viewerOf(res);
    const ctx = pageContext(req, res);
    const [number, entries] = await Promise.all([simulator.numberFor(me.id, settings.country), simulator.transcript(me.id, settings)]);
    const message = extra.message ?? (entries.length === 0 ? GREETINGS[settings.language] : '');
    sendPage(
      res,
      <SimulatorPage ctx={ctx} settings={settings} countries={countriesFor(me, services, ctx.lang)} number={number} entries={entries} message={message} errors={extra.errors ?? []} notice={extra.notice} />,
      extra.status ?? 200,
    );
  };

  /** The request's settings, or a refusal (a coordinator without any country Ruta covers). */
  const settingsFor = (req: Request, res: Response, raw: unknown): SimSettings | undefined => {
    const me = viewerOf(res);
    const settings = settingsOf(raw, me, countriesFor(me, services, pageContext(req, res).lang), services);
    if (!settings) res.redirect(303, '/console');
    return settings;
  };

  router.get('/simulator', signedIn(...ROLES), async (req, res) => {
    const settings = settingsFor(req, res, req.query);
    if (!settings) return;
    const notice = req.query.done === 'start-over' ? ('startedOver' as const) : undefined;
    await render(req, res, settings, notice ? { notice } : {});
  });

  router.post('/simulator/send', signedIn(...ROLES), async (req, res) => {
    const settings = settingsFor(req, res, formFields(req, ['channel', 'country', 'language']));
    if (!settings) return;
    const { t } = pageContext(req, res);
    const message = formFields(req, ['message']).message.trim();
    if (message === '') return render(req, res, settings, { message, errors: [{ field: 'message', message: t('simulator.errors.empty') }], status: 400 });
    if (message.length > MAX_BODY_CHARS) return render(req, res, settings, { message, errors: [{ field: 'message', message: t('simulator.errors.tooLong', { max: MAX_BODY_CHARS }) }], status: 400 });
    const sent = await simulator.send(ownBaseUrl(req), viewerOf(res).id, settings, message);
    if (!sent.ok) {
      deps.log.warn('simulator_webhook_failed', { reason: sent.reason });
      return render(req, res, settings, { message, errors: [{ field: 'message', message: t(`simulator.errors.${sent.reason}`) }], status: 502 });
    }
    res.redirect(303, `/console/simulator?${query(settings)}#message`);
  });

  router.post('/simulator/start-over', signedIn(...ROLES), async (req, res) => {
    const settings = settingsFor(req, res, formFields(req, ['channel', 'country', 'language']));
    if (!settings) return;
    const { t } = pageContext(req, res);
    const done = await simulator.startOver(ownBaseUrl(req), viewerOf(res).id, settings);
    if (!done.ok) {
      deps.log.warn('simulator_webhook_failed', { reason: done.reason });
      return render(req, res, settings, { errors: [{ field: 'message', message: t(`simulator.errors.${done.reason}`) }], status: 502 });
    }
    res.redirect(303, `/console/simulator?${query(settings)}&done=start-over`);
  });
};
