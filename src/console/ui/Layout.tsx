import type { ComponentChildren } from 'preact';
import type { Role } from '../accounts/Accounts.js';
import { CONSOLE_LANGUAGES, type ConsoleLanguage, type ConsoleT } from '../consoleI18n.js';
import { assetHref } from '../assets.js';
import { ErrorSummary, type FieldError } from './ErrorSummary.js';
import { PostForm } from './form.js';
import { sectionsFor, type SectionId } from './sections.js';

/** Who is signed in, as the header shows them. */
export interface Viewer {
  name: string;
  email: string;
  role: Role;
  institutionName: string;
}

/**
 * What every page needs from its request: the translate function and language, the path (for the
 * language links to come back to), the CSRF token for its forms, and the signed-in person, if any.
 * Routes get it from `pageContext(res)`.
 */
export interface PageContext {
  t: ConsoleT;
  lang: ConsoleLanguage;
  path: string;
  csrfToken: string;
  viewer?: Viewer | undefined;
}

/**
 * Every console page: a skip link, a header with the service, the institution and the signed-in
 * person (and a sign-out button), the sections' navigation, the page's `<h1>` (its title) and
 * content in `<main>`, and a footer with the language switch. With `errors`, the error summary
 * comes first in `<main>` (above the heading, as GOV.UK does) and the window title starts "Error:".
 *
 * @example <Layout ctx={ctx} title={t('home.title')} section="home"><p>…</p></Layout>
 */
export function Layout(props: { ctx: PageContext; title: string; section?: SectionId; errors?: readonly FieldError[]; children: ComponentChildren; before?: ComponentChildren }) {
  const { t, lang, viewer } = props.ctx;
  const errors = props.errors ?? [];
  return (
    <html lang={lang} data-theme="light">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content="includeIndicatorCSS:false" />
        <title>{`${errors.length > 0 ? `${t('errors.titlePrefix')} ` : ''}${props.title} – ${t('layout.serviceName')}`}</title>
        <link rel="stylesheet" href={assetHref('pico.min.css')} />
        <link rel="stylesheet" href={assetHref('console.css')} />
        <script src={assetHref('htmx.min.js')} defer></script>
      </head>
      <body>
        <a href="#main" class="skip-link">
          {t('layout.skipLink')}
        </a>
        <header class="site-header">
          <div class="container header-bar">
            <p class="service">
              <a href="/console" class="service-name">
                {t('layout.serviceName')}
              </a>
              {viewer && <span class="header-institution">{viewer.institutionName}</span>}
            </p>
            {viewer && (
              <div class="header-person">
                <span>{t('layout.signedInAs', { name: viewer.name })}</span>
                <PostForm action="/console/sign-out" csrfToken={props.ctx.csrfToken} class="inline-form">
                  <button type="submit" class="header-button">
                    {t('layout.signOut')}
                  </button>
                </PostForm>
              </div>
            )}
          </div>
          {viewer && <SectionNav ctx={props.ctx} role={viewer.role} current={props.section} />}
        </header>
        {props.before}
        <main id="main" class="container" tabindex={-1}>
          <ErrorSummary title={t('errors.title')} errors={errors} />
          <h1>{props.title}</h1>
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="container">
            <LanguageSwitch t={t} lang={lang} path={props.ctx.path} />
            <p>{t('layout.footer')}</p>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** The sections the person's role may open; the current one is marked for screen readers and by style. */
function SectionNav(props: { ctx: PageContext; role: Role; current?: SectionId | undefined }) {
  const { t } = props.ctx;
  return (
    <nav aria-label={t('nav.label')} class="section-nav">
      <ul class="container">
        {sectionsFor(props.role).map((s) => (
          <li>
            <a href={s.path} aria-current={s.id === props.current ? 'page' : undefined}>
              {t(s.label)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Links to the page in each language, each named in its own language. */
function LanguageSwitch(props: { t: ConsoleT; lang: ConsoleLanguage; path: string }) {
  const { t } = props;
  const names: Record<ConsoleLanguage, string> = { es: t('language.es'), en: t('language.en') };
  return (
    <nav aria-label={t('language.label')} class="language-switch">
      <ul>
        {CONSOLE_LANGUAGES.map((l) => (
          <li>
            {l === props.lang ? (
              <span aria-current="true">{names[l]}</span>
            ) : (
              <a href={`/console/lang/${l}?next=${encodeURIComponent(props.path)}`} lang={l} hreflang={l}>
                {names[l]}
              </a>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
