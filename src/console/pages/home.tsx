import type { Centre } from '../../booking/centre.js';
import { pageContext, signedIn, viewerOf, visibleCentres } from '../access.js';
import type { ConsolePages } from '../ConsoleServices.js';
import { sendPage } from '../render.js';
import { Layout, type PageContext } from '../ui/Layout.js';
import { sectionsFor } from '../ui/sections.js';
import { StatusTag } from '../ui/StatusTag.js';
import { ROLES, type ConsoleUser } from '../accounts/Accounts.js';
import { todayIn } from '../bookings/bookingText.js';
import type { Catalog } from '../../catalog/Catalog.js';
import type { ConsoleLanguage } from '../consoleI18n.js';
import { roleLabel } from './roleLabel.js';

const DAY = 24 * 3600_000;

/** The console's first page: who is signed in, the centres they see, and where to go next. */
function HomePage(props: { ctx: PageContext; user: ConsoleUser; institutionName: string; centres: Centre[]; today: number; requests: number; countries: string[] | 'all' }) {
  const { t } = props.ctx;
  const { user } = props;
  return (
    <Layout ctx={props.ctx} title={t('home.title')} section="home">
      <p class="lead">{t('home.signedInAs', { name: user.name, email: user.email, institution: props.institutionName })}</p>
      <p>
        {t('home.role')} <StatusTag tone="info">{t(roleLabel(user.role))}</StatusTag>
      </p>
      {user.role === 'coordinator' ? <CoordinatorSummary ctx={props.ctx} countries={props.countries} /> : <InstitutionSummary {...props} />}
      <h2>{t('home.sectionsTitle')}</h2>
      <ul class="section-cards">
        {sectionsFor(user.role)
          .filter((s) => s.id !== 'home')
          .map((s) => (
            <li>
              <a href={s.path}>{t(s.label)}</a>
            </li>
          ))}
      </ul>
    </Layout>
  );
}

/** What an admin or staff member looks after: today's appointments, waiting requests, their centres. */
function InstitutionSummary(props: { ctx: PageContext; user: ConsoleUser; centres: Centre[]; today: number; requests: number }) {
  const { t } = props.ctx;
  const { user } = props;
  return (
    <>
      <ul class="counts">
        <li>
          <a href="/console/appointments">{t('appointments.homeToday', { count: props.today })}</a>
        </li>
        <li>
          <a href="/console/requests">{t('requests.homeOpen', { count: props.requests })}</a>
        </li>
      </ul>
      <h2>{t('home.centresTitle')}</h2>
      <p>{user.centres === 'all' ? t('home.centresAll') : t('home.centresSome')}</p>
      {props.centres.length === 0 ? (
        <p>{t('home.centresNone')}</p>
      ) : (
        <ul class="centre-list">
          {props.centres.map((c) => (
            <li>
              <a href={`/console/centres/${c.id}`}>{c.name}</a>, {c.city}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** What a coordinator sees of the service: the countries whose anonymous figures they may read. */
function CoordinatorSummary(props: { ctx: PageContext; countries: string[] | 'all' }) {
  const { t } = props.ctx;
  return (
    <>
      <h2>{t('home.countriesTitle')}</h2>
      <p>{props.countries === 'all' ? t('home.countriesAll') : t('home.countriesSome', { countries: props.countries.join(', ') })}</p>
      <p>{t('home.coordinatorNoWorkers')}</p>
    </>
  );
}

/** Country names in the console's language ('all' stays 'all'). */
export function countryNames(catalog: Catalog, countries: string[] | 'all', lang: ConsoleLanguage): string[] | 'all' {
  return countries === 'all' ? 'all' : countries.map((code) => catalog.country(code)?.name[lang] ?? code);
}

/** GET /console: the home page, with how many appointments today and requests waiting (of the person's centres). */
export const homePages: ConsolePages = (router, { deps }) => {
  router.get('/', signedIn(...ROLES), async (req, res) => {
    const user = viewerOf(res);
    const ctx = pageContext(req, res);
    const institutionName = deps.catalog.institution(user.institution)?.acronym ?? user.institution;
    if (user.role === 'coordinator') {
      const countries = countryNames(deps.catalog, user.countries ?? [], ctx.lang);
      return sendPage(res, <HomePage ctx={ctx} user={user} institutionName={institutionName} centres={[]} today={0} requests={0} countries={countries} />);
    }
    const centres = await visibleCentres(user, deps.centres);
    const ids = new Set(centres.map((c) => c.id));
    const now = deps.now();
    const [around, requests] = await Promise.all([
      deps.bookings.store.byInstitution(user.institution, now.getTime() - DAY, now.getTime() + 2 * DAY),
      deps.bookings.store.requests(user.institution),
    ]);
    const today = around.filter((b) => ids.has(b.centreId) && (b.status === 'confirmed' || b.status === 'proposed') && b.slot?.local.slice(0, 10) === todayIn(b.timeZone, now)).length;
    const waiting = requests.filter((b) => ids.has(b.centreId) && b.status === 'requested').length;
    sendPage(res, <HomePage ctx={ctx} user={user} institutionName={institutionName} centres={centres} today={today} requests={waiting} countries={[]} />);
  });
};
