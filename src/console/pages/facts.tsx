import type { Request, Response } from 'express';
import { checkDraft, factEntries, type DraftProblem, factSummary, factText, isFactName, type EffectiveRoute, type FactEntry, type FactName } from '../../catalog/publishedFact.js';
import { LANGUAGES, type Language } from '../../catalog/schema.js';
import { pageContext, signedIn, viewerOf } from '../access.js';
import type { ConsolePages, ConsoleServices } from '../ConsoleServices.js';
import type { ConsoleLanguage, ConsoleT } from '../consoleI18n.js';
import { formFields } from '../formBody.js';
import { sendPage } from '../render.js';
import { errorsByField, type FieldError } from '../ui/ErrorSummary.js';
import { Button, PostForm, TextInput } from '../ui/form.js';
import { Layout, type PageContext } from '../ui/Layout.js';
import { Notice } from '../ui/Notice.js';
import { StatusTag } from '../ui/StatusTag.js';
import { Table } from '../ui/Table.js';
import { TextArea } from '../ui/TextArea.js';
import { sendMessage } from './MessagePage.js';

declare module 'express-session' {
  interface SessionData {
    /** Shown once on the facts page after a fact was published or withdrawn. */
    factsNotice?: FactsNotice;
  }
}

/** What the facts page says once after a change: what was published (and the day workers are told), or withdrawn. */
type FactsNotice = { kind: 'published'; fact: FactName; on: string } | { kind: 'withdrawn'; fact: FactName };

/** The form as typed: the text in each language (steps one per line) and the source. */
type FactForm = Record<Language, string> & { source: string };

/** "4 de diciembre de 2026", "4 December 2026": a calendar day in the console's language. */
function dayText(lang: ConsoleLanguage, isoDate: string): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'es', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${isoDate}T00:00:00Z`));
}

/** Where a fact comes from, as a tag and a line under it. */
function FactStatus(props: { ctx: PageContext; entry: FactEntry; institution: string }) {
  const { t, lang } = props.ctx;
  const { entry } = props;
  if (entry.confirmation)
    return (
      <>
        <StatusTag tone="success">{t('facts.confirmed', { institution: entry.confirmation.by })}</StatusTag>
        <br />
        <small>{t('facts.confirmedOn', { date: dayText(lang, entry.confirmation.on), source: entry.fact?.source ?? '' })}</small>
      </>
    );
  if (entry.fact)
    return (
      <>
        <StatusTag tone="info">{t('facts.researched')}</StatusTag>
        <br />
        <small>{t('facts.researchedSource', { source: entry.fact.source })}</small>
      </>
    );
  return (
    <>
      <StatusTag tone="warning">{t('facts.unknown')}</StatusTag>
      <br />
      <small>{t('facts.unknownHelp', { institution: props.institution })}</small>
    </>
  );
}

/** The text workers read, in the console's language (steps as a numbered list). */
function FactText(props: { ctx: PageContext; route: EffectiveRoute; name: FactName }) {
  const text = factText(props.route, props.name, props.ctx.lang);
  if (text === null) return <span class="aside">{props.ctx.t('facts.noText')}</span>;
  if (props.name === 'steps')
    return (
      <ol class="fact-steps">
        {text.split('\n').map((line) => (
          <li>{line}</li>
        ))}
      </ol>
    );
  return <>{text}</>;
}

/** GET /console/facts: every fact of the institution's route, what workers read, and where it comes from. */
function FactsPage(props: { ctx: PageContext; institution: string; route: EffectiveRoute; notice?: FactsNotice | undefined }) {
  const { t, lang } = props.ctx;
  const { notice } = props;
  return (
    <Layout ctx={props.ctx} title={t('nav.facts')} section="facts">
      {notice?.kind === 'published' && (
        <Notice tone="success" title={t('facts.published', { fact: t(`facts.names.${notice.fact}`) })}>
          <p>{t('facts.publishedHelp', { institution: props.institution, date: dayText(lang, notice.on) })}</p>
        </Notice>
      )}
      {notice?.kind === 'withdrawn' && <Notice tone="success" title={t('facts.withdrawn', { fact: t(`facts.names.${notice.fact}`) })} />}
      <p class="lead">{t('facts.intro', { institution: props.institution })}</p>
      <Table
        caption={t('facts.caption')}
        rows={factEntries(props.route)}
        columns={[
          { header: t('facts.fact'), cell: (e) => <a href={`/console/facts/${e.name}`}>{t(`facts.names.${e.name}`)}</a>, rowHeader: true },
          { header: t('facts.text'), cell: (e) => <FactText ctx={props.ctx} route={props.route} name={e.name} /> },
          { header: t('facts.status'), cell: (e) => <FactStatus ctx={props.ctx} entry={e} institution={props.institution} /> },
        ]}
      />
    </Layout>
  );
}

/** GET /console/facts/:name: one fact now, and (for admins) the form that publishes the institution's version. */
function FactPage(props: { ctx: PageContext; institution: string; route: EffectiveRoute; name: FactName; canPublish: boolean; form: FactForm; errors: FieldError[] }) {
  const { t } = props.ctx;
  const { name } = props;
  const entry = factEntries(props.route).find((e) => e.name === name)!;
  const errors = errorsByField(props.errors);
  const languageName: Record<Language, string> = { es: t('facts.in.es'), en: t('facts.in.en'), ht: t('facts.in.ht') };
  const hint = (lang: Language) => [lang === 'ht' ? t('facts.htHint') : '', name === 'steps' ? t('facts.stepsHint') : t('facts.textHint')].filter(Boolean).join(' ');
  return (
    <Layout ctx={props.ctx} title={t(`facts.names.${name}`)} section="facts" errors={props.errors}>
      <dl class="facts">
        <dt>{t('facts.nowTitle')}</dt>
        <dd>
          <FactText ctx={props.ctx} route={props.route} name={name} />
        </dd>
        <dt>{t('facts.status')}</dt>
        <dd>
          <FactStatus ctx={props.ctx} entry={entry} institution={props.institution} />
        </dd>
      </dl>
      {props.canPublish && entry.confirmation && (
        <p>
          <a href={`/console/facts/${name}/withdraw`}>{t('facts.withdrawLink')}</a>
        </p>
      )}
      {props.canPublish ? (
        <>
          <h2 id="publish-title">{t('facts.publishTitle')}</h2>
          <p>{t('facts.publishIntro', { institution: props.institution })}</p>
          <PostForm action={`/console/facts/${name}`} csrfToken={props.ctx.csrfToken} class="narrow" label={t('facts.publishTitle')}>
            {LANGUAGES.map((lang) => (
              <TextArea name={lang} id={`text-${lang}`} lang={lang} label={languageName[lang]} hint={hint(lang)} value={props.form[lang]} error={errors[`text-${lang}`]} rows={name === 'steps' ? 8 : 4} />
            ))}
            <TextInput name="source" label={t('facts.source')} hint={t('facts.sourceHint')} value={props.form.source} error={errors.source} />
            <Button>{t('facts.publish', { institution: props.institution })}</Button>
          </PostForm>
        </>
      ) : (
        <Notice>{t('facts.adminsOnly')}</Notice>
      )}
      <p>
        <a href="/console/facts">{t('facts.back')}</a>
      </p>
    </Layout>
  );
}

/** GET /console/facts/:name/withdraw: are you sure? (what workers will read instead). */
function WithdrawPage(props: { ctx: PageContext; institution: string; name: FactName; researched: string | null }) {
  const { t } = props.ctx;
  const fact = t(`facts.names.${props.name}`);
  return (
    <Layout ctx={props.ctx} title={t('facts.withdrawTitle', { fact })} section="facts">
      <p>{props.researched === null ? t('facts.withdrawToUnknown', { institution: props.institution }) : t('facts.withdrawToResearched')}</p>
      {props.researched !== null && <blockquote class="fact-quote">{props.researched}</blockquote>}
      <PostForm action={`/console/facts/${props.name}/withdraw`} csrfToken={props.ctx.csrfToken} class="confirm-form" label={t('facts.withdrawTitle', { fact })}>
        <Button variant="danger">{t('facts.withdrawSubmit')}</Button>
      </PostForm>
      <p>
        <a href={`/console/facts/${props.name}`}>{t('facts.cancel')}</a>
      </p>
    </Layout>
  );
}

/** The form filled with what workers read now (so a correction starts from the current text). */
function currentForm(route: EffectiveRoute, name: FactName): FactForm {
  return { es: factText(route, name, 'es') ?? '', en: factText(route, name, 'en') ?? '', ht: factText(route, name, 'ht') ?? '', source: route[name]?.source ?? '' };
}

/** What can be wrong with a source (a single line: never too many lines). */
const sourceProblem = (p: DraftProblem['problem']): 'missing' | 'tooLong' | 'html' => (p === 'html' || p === 'tooLong' ? p : 'missing');

/** Each problem of a draft as the person reads it, on the field it is about (`text-es`, `text-en`, `text-ht`, `source`). */
function problemMessages(t: ConsoleT, problems: readonly DraftProblem[]): FieldError[] {
  return problems.map((p) =>
    p.field === 'source'
      ? { field: 'source', message: t(`facts.errors.source.${sourceProblem(p.problem)}`, { limit: p.limit }) }
      : { field: `text-${p.field}`, message: t(`facts.errors.text.${p.problem}`, { language: t(`facts.language.${p.field}`), limit: p.limit }) },
  );
}

/**
 * GET /console/facts and /console/facts/:name (everyone signed in); POST /console/facts/:name
 * (publish) and GET/POST /console/facts/:name/withdraw (admins only: what workers are told in the
 * institution's name is an admin's decision). Every change goes to the audit log with the person's
 * e-mail; workers see only the institution.
 */
export const factPages: ConsolePages = (router, services) => {
  const { deps, audit } = services;
  const institutionName = (res: Response) => deps.catalog.institution(viewerOf(res).institution)?.acronym ?? viewerOf(res).institution;
  const routeOf = async (res: Response) => {
    const route = await deps.facts.routeOf(viewerOf(res).institution);
    if (!route) throw new Error(`console user of unknown institution ${viewerOf(res).institution}`);
    return route;
  };
  const nameOf = (req: Request): FactName | undefined => (isFactName(req.params.name) ? req.params.name : undefined);

  router.get('/facts', signedIn(), async (req, res) => {
    const notice = req.session.factsNotice;
    delete req.session.factsNotice;
    sendPage(res, <FactsPage ctx={pageContext(req, res)} institution={institutionName(res)} route={await routeOf(res)} notice={notice} />);
  });

  router.get('/facts/:name', signedIn(), async (req, res) => {
    const name = nameOf(req);
    if (!name) return sendMessage(req, res, 'notFound');
    const route = await routeOf(res);
    await renderFact(req, res, services, route, name, currentForm(route, name), [], 200);
  });

  router.post('/facts/:name', signedIn('admin'), async (req, res) => {
    const name = nameOf(req);
    if (!name) return sendMessage(req, res, 'notFound');
    const me = viewerOf(res);
    const form = formFields(req, ['es', 'en', 'ht', 'source']);
    const checked = checkDraft(name, { text: { es: form.es, en: form.en, ht: form.ht }, source: form.source });
    if (!checked.ok) return renderFact(req, res, services, await routeOf(res), name, form, problemMessages(pageContext(req, res).t, checked.problems), 400);
    const before = factSummary(await routeOf(res), name);
    const { after } = await deps.facts.publish(me.institution, checked.draft);
    await audit.record({ who: me.email, institution: me.institution, action: 'fact.publish', target: name, before, after: factSummary(await routeOf(res), name) });
    req.session.factsNotice = { kind: 'published', fact: name, on: after.confirmedOn };
    res.redirect(303, '/console/facts');
  });

  router.get('/facts/:name/withdraw', signedIn('admin'), async (req, res) => {
    const name = nameOf(req);
    const route = await routeOf(res);
    if (!name || !route.confirmed[name]) return sendMessage(req, res, 'notFound');
    const researched = deps.catalog.institution(viewerOf(res).institution)?.route ?? null;
    sendPage(res, <WithdrawPage ctx={pageContext(req, res)} institution={institutionName(res)} name={name} researched={researched ? factText(researched, name, pageContext(req, res).lang) : null} />);
  });

  router.post('/facts/:name/withdraw', signedIn('admin'), async (req, res) => {
    const name = nameOf(req);
    if (!name) return sendMessage(req, res, 'notFound');
    const me = viewerOf(res);
    const before = factSummary(await routeOf(res), name);
    const withdrawn = await deps.facts.withdraw(me.institution, name);
    // Nothing published (a second click, or another admin was quicker): nothing to record or announce.
    if (!withdrawn) return res.redirect(303, '/console/facts');
    await audit.record({ who: me.email, institution: me.institution, action: 'fact.withdraw', target: name, before, after: factSummary(await routeOf(res), name) });
    req.session.factsNotice = { kind: 'withdrawn', fact: name };
    res.redirect(303, '/console/facts');
  });
};

async function renderFact(req: Request, res: Response, { deps }: ConsoleServices, route: EffectiveRoute, name: FactName, form: FactForm, errors: FieldError[], status: number): Promise<void> {
  const me = viewerOf(res);
  const institution = deps.catalog.institution(me.institution)?.acronym ?? me.institution;
  sendPage(res, <FactPage ctx={pageContext(req, res)} institution={institution} route={route} name={name} canPublish={me.role === 'admin'} form={form} errors={errors} />, status);
}
