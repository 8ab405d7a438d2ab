import { z } from 'zod';
import type { Catalog } from '../src/catalog/Catalog.js';
import type { RouteFacts } from './routeDialog.js';
import type { Occupation } from '../src/catalog/schema.js';
import type { Translate } from '../src/i18n.js';
import { NO, YES } from '../src/language/keywords.js';
import type { RutaTurn } from '../src/bot/RutaTurn.js';
import { clean } from '../src/language/text.js';
import { standardKey, type PrescreenSnapshot } from '../src/booking/booking.js';
import { slotOf } from '../src/booking/slots.js';
import { isBookable } from '../src/booking/centre.js';
import type { Preferences } from '../src/booking/preferences.js';
import type { SlotQuery, WorkerRequest } from '../src/booking/BookingService.js';
import { parseTimePreferences } from '../src/language/timePreferences.js';
import { DateTime } from 'luxon';
import { bookingDetails, centreLabel, dayText, noSlotsText, preferencesText, slotOptions, standardText, whatToBring, whenText } from './bookingMessages.js';
import { countrySteps } from './countryQuestions.js';
import { DialogIds } from './ids.js';
import { end, endAll, go, retry, retryWith, StepDialog, type Outcome, type Question, type Step, type StepTurn } from './StepDialog.js';
import { FAR_KM } from '../src/analytics/event.js';
import { placeId, placeLabel, type Place } from '../src/geo/Gazetteer.js';
import { didYouMeanQuestion, occupationMenu, occupationMenuAnswer } from './tradeQuestions.js';

interface Values {
  country?: string;
  occupation?: string;
  sector?: string;
  candidates?: string[];
  /** Places that fit what the worker typed, to choose from. */
  places?: Array<{ name: string; region: string | undefined; lat: number; lon: number }>;
  /** The nearest centres offered, with their distance; `maybe`: the sources do not say it assesses the trade. */
  centres?: Array<{ id: string; km: number; maybe?: boolean }>;
  centreId?: string;
  /** The slots offered (local starts), fixed when offered so "2" means what the worker saw. */
  slots?: string[];
  slot?: string;
  /** Days with free slots offered for "another day" (YYYY-MM-DD). */
  days?: string[];
  /** At a centre that sets its own times: when the worker can go. */
  preferences?: Preferences;
  firstName?: string | null;
  introduced?: boolean;
}

const optionsSchema = z.object({ occupation: z.string().optional(), country: z.string().optional() });

/** How many centres and slots are offered at once. */
const MAX_CENTRES = 3;
const MAX_SLOTS = 5;
/** Certifiers named when no centre is known (RENEC lists up to hundreds for a standard). */
const MAX_CERTIFIERS = 3;
/** How many days "another day" offers. */
const MAX_DAYS = 6;
/** One or two words of letters (accents as combining marks too), with ' ’ - inside words. */
const FIRST_NAME = /^\p{L}[\p{L}\p{M}'’-]*( \p{L}[\p{L}\p{M}'’-]*)?$/u;
/** The longest first name a booking stores (bookingSchema's limit, in UTF-16 code units). */
const FIRST_NAME_MAX = 40;
/** Made when a first name is first read: creating it costs about 15 ms, not on every start's way (issue 13). */
let graphemeSegmenter: Intl.Segmenter | undefined;
const graphemes = () => (graphemeSegmenter ??= new Intl.Segmenter('und', { granularity: 'grapheme' }));
const NO_NAME = ['0', 'no', 'non', 'nada', 'prefiero no', 'skip', 'none', 'okenn', 'pa bay'];

/**
 * The first name as a booking stores it, or undefined when the text is not a name: control and
 * format characters removed, white space collapsed, trimmed, composed (NFC), and cut to 40
 * UTF-16 code units between two characters, never inside a surrogate pair or an accented letter.
 *
 * @example firstNameOf(' Ana\u0000 ') === 'Ana'; firstNameOf('me llamo Ana') === undefined
 */
export function firstNameOf(text: string): string | undefined {
  const name = clean(text).normalize('NFC');
  if (!FIRST_NAME.test(name)) return undefined;
  let cut = '';
  for (const { segment } of graphemes().segment(name)) {
    if (cut.length + segment.length > FIRST_NAME_MAX) break;
    cut += segment;
  }
  return cut.replace(/[\s'’-]+$/u, '') || undefined;
}

/**
 * Booking an assessment: country and trade (unless known from the pre-screen or the route) →
 * where the worker is (a shared location, a typed town, or a province menu) → the three nearest
 * centres that assess the standard (or may: the worker is told to ask) → at a centre whose
 * institution published its hours, the free slots (more of them, another day) → first name
 * (optional) → confirmation; at any other centre, which days and times suit the worker → first
 * name → a request the centre confirms (the worker is told not to travel before it does).
 * Losing a race for the last place is answered kindly with the slots still free.
 */
export class BookingDialog extends StepDialog<Values> {
  constructor(
    private readonly catalog: Catalog,
    /** The institutions' published route facts (what to bring names the documents they confirmed). */
    private readonly facts: RouteFacts,
  ) {
    super(DialogIds.booking);
  }

  protected override initialValues(options: unknown): Values {
    const parsed = optionsSchema.safeParse(options ?? {});
    const o = parsed.success ? parsed.data : {};
    return {
      ...(o.country && this.catalog.country(o.country) ? { country: o.country } : {}),
      ...(o.occupation && this.catalog.occupation(o.occupation) ? { occupation: o.occupation } : {}),
    };
  }

  protected override firstStep(values: Values): string {
    if (!values.country) return 'country';
    return values.occupation ? 'where' : 'trade';
  }

  /** Begun with the trade and country known (pre-screen, route): check for a booking first. */
  protected override async onBegin(turn: StepTurn<Values>): Promise<Outcome | undefined> {
    return turn.values.country && turn.values.occupation ? this.afterStandard(turn) : undefined;
  }

  protected readonly steps: Record<string, Step<Values>> = {
    // Are you in <country> now? — or the list.
    ...countrySteps<Values>((turn, code) => this.setCountry(turn, code)),
    // Which trade is the assessment for? (typed freely, or a sector menu)
    trade: {
      ask: ({ ruta }) => ({ kind: 'menu', acceptsText: true, text: ruta.t('booking.trade'), options: this.catalog.sectors.map((s) => ({ id: s.id, label: s.name[ruta.language] })) }),
      answer: async (turn, { choice, partialChoice, text }) => {
        if (choice) {
          turn.values.sector = choice;
          return go('sectorOccupation');
        }
        // A trade named in the text wins over a sector's word in it.
        const found = (await turn.ruta.readWork(text)).occupations.map((o) => o.id);
        if (found.length === 0 && partialChoice) {
          turn.values.sector = partialChoice;
          return go('sectorOccupation');
        }
        if (found.length === 0) return retryWith(turn.ruta.t('prescreen.notFound', { count: this.catalog.sectors.length }));
        turn.values.candidates = found;
        return go('confirmTrade');
      },
    },
    sectorOccupation: {
      ask: ({ ruta, values }) => occupationMenu(this.catalog, ruta, values.sector ?? ''),
      answer: async (turn, answer) => {
        const read = await occupationMenuAnswer(turn.ruta, answer);
        if (read.kind === 'trade') return this.setOccupation(turn, read.id);
        if (read.kind === 'none') return go('trade');
        if (read.kind === 'candidates') {
          turn.values.candidates = read.ids;
          return go('confirmTrade');
        }
        return retry;
      },
    },
    // Do you mean …?
    confirmTrade: {
      ask: ({ ruta, values }) => didYouMeanQuestion(this.catalog, ruta, values.candidates),
      answer: (turn, { choice }) => {
        if (choice === 'none') return go('trade');
        return choice ? this.setOccupation(turn, choice) : retry;
      },
    },
    // Where are you? A town typed, or (WhatsApp) a shared location.
    where: {
      ask: ({ ruta }) => {
        const whatsapp = ruta.extras.channelKind === 'whatsapp';
        return { kind: 'text', acceptsLocation: true, text: ruta.t(whatsapp ? 'booking.whereWhatsapp' : 'booking.where') };
      },
      answer: async (turn, { text, location }) => {
        if (location) {
          const point = { lat: location.latitude, lon: location.longitude };
          return this.setPlace(turn, point, turn.ruta.booking.gazetteer.nearestTown(this.country(turn), point));
        }
        const found = turn.ruta.booking.gazetteer.search(this.country(turn), text);
        if (found.kind === 'found') return this.setPlace(turn, found.place, found.place);
        if (found.kind === 'choose') {
          turn.values.places = found.places.map((p) => ({ name: p.name, region: p.region, lat: p.lat, lon: p.lon }));
          return go('placeChoice');
        }
        await turn.say(turn.ruta.t('booking.placeNotFound', { country: this.catalog.country(this.country(turn))?.name[turn.ruta.language] ?? '' }));
        return go('region');
      },
    },
    // Which of these places? ("San José (Alajuela)", "San José (San José)")
    placeChoice: {
      ask: ({ ruta, values }) => ({
        kind: 'menu',
        text: ruta.t('booking.placeChoice'),
        options: [
          ...(values.places ?? []).map((p, i) => ({ id: String(i), label: placeLabel(p) })),
          { id: 'none', label: ruta.t('booking.placeNone'), synonyms: NO },
        ],
      }),
      answer: (turn, { choice }) => {
        if (choice === 'none') return go('region');
        const place = turn.values.places?.[Number(choice)];
        return place ? this.setPlace(turn, place, { ...place, kind: 'town' }) : retry;
      },
    },
    // Choose your province or state (a typed town is tried too).
    region: {
      ask: (turn) => ({
        kind: 'menu',
        acceptsText: true,
        text: turn.ruta.t('booking.regionAsk'),
        options: turn.ruta.booking.gazetteer.regions(this.country(turn)).map((r) => ({ id: r.name, label: r.name })),
      }),
      answer: (turn, { choice, text }) => {
        const regions = turn.ruta.booking.gazetteer.regions(this.country(turn));
        const region = regions.find((r) => r.name === choice);
        if (region) return this.setPlace(turn, region, region);
        const found = turn.ruta.booking.gazetteer.search(this.country(turn), text);
        return found.kind === 'found' ? this.setPlace(turn, found.place, found.place) : retry;
      },
    },
    // Which centre? (the three nearest, with city and distance; "ask" where the sources do not say)
    centre: {
      ask: async ({ ruta, values }) => ({
        kind: 'menu',
        text: ruta.t('booking.centres', { occupation: this.occupationOf(values).name[ruta.language] }),
        options: await Promise.all(
          (values.centres ?? []).map(async (c) => {
            const centre = await ruta.booking.service.centres.get(c.id);
            return { id: c.id, label: ruta.t(c.maybe ? 'booking.centreOptionMaybe' : 'booking.centreOption', { centre: centre ? centreLabel(centre) : c.id, distance: distanceText(ruta.t, c.km) }) };
          }),
        ),
      }),
      answer: (turn, { choice }) => {
        if (!choice) return retry;
        turn.values.centreId = choice;
        return this.afterCentre(turn);
      },
    },
    // Which time? (free slots; more of them, another day, another centre)
    slot: {
      ask: (turn) => this.slotQuestion(turn, 'booking.slots'),
      answer: async (turn, { choice }) => {
        if (choice === 'otherCentre') return go('centre');
        if (choice === 'more') return this.offerSlots(turn, undefined, { after: turn.values.slots?.[turn.values.slots.length - 1] });
        if (choice === 'day') return this.offerDays(turn);
        if (!choice || !turn.values.slots?.includes(choice)) return retry;
        turn.values.slot = choice;
        return go('name');
      },
    },
    // Which day suits you best? (days with free slots)
    day: {
      ask: async (turn) => ({
        kind: 'menu',
        text: turn.ruta.t('booking.whichDay', { centre: (await this.centre(turn)).name }),
        options: (turn.values.days ?? []).map((d) => ({ id: d, label: dayText(turn.ruta.t, d) })),
      }),
      answer: (turn, { choice }) => (choice && turn.values.days?.includes(choice) ? this.offerSlots(turn, undefined, { day: choice, perDay: MAX_SLOTS }) : retry),
    },
    // Which days and times can you go? (a centre that sets its own times)
    preferences: {
      ask: async (turn) => ({ kind: 'text', text: turn.ruta.t('booking.preferences', { centre: (await this.centre(turn)).name }) }),
      answer: async (turn, { text }) => {
        const centre = await this.centre(turn);
        const today = DateTime.fromJSDate(turn.ruta.now(), { zone: centre.timeZone }).toISODate() ?? '';
        const preferences = parseTimePreferences(text, { today });
        if (!preferences) return retryWith(turn.ruta.t('booking.preferencesInvalid'));
        turn.values.preferences = preferences;
        turn.values.slot = undefined;
        return go('name');
      },
    },
    // Your first name, for the centre (optional).
    name: {
      ask: ({ ruta }) => ({ kind: 'text', text: ruta.t('booking.name') }),
      answer: ({ ruta, values }, { text }) => {
        if (NO_NAME.includes(text.toLowerCase())) values.firstName = null;
        else values.firstName = firstNameOf(text);
        // A long name is cut to what a booking stores; what is not a name is asked again.
        if (values.firstName === undefined) return retryWith(ruta.t('booking.nameInvalid'));
        return go(values.preferences && !values.slot ? 'confirmRequest' : 'confirm');
      },
    },
    // Check your appointment: shall I book it? (and what the institution will see)
    confirm: {
      ask: async (turn) => {
        const { ruta } = turn;
        const centre = await this.centre(turn);
        const slot = slotOf(centre, turn.values.slot ?? '');
        const details = slot
          ? bookingDetails(this.catalog, ruta.t, ruta.language, centre, { slot, timeZone: centre.timeZone, occupation: this.occupationOf(turn.values).id, standard: this.standard(turn) })
          : '';
        const institution = this.catalog.institution(centre.institution)?.acronym ?? centre.institution;
        return {
          kind: 'menu',
          text: `${ruta.t('booking.confirm', { details })}\n${ruta.t('booking.shareNotice', { institution, days: ruta.booking.service.rules.retentionDays })}`,
          options: [
            { id: 'yes', label: ruta.t('booking.confirmYes'), synonyms: YES },
            { id: 'other', label: ruta.t('booking.confirmOther'), synonyms: NO },
          ],
        };
      },
      answer: async (turn, { choice }) => {
        if (choice === 'other') return this.offerSlots(turn);
        return choice === 'yes' ? this.book(turn) : retry;
      },
    },
    // Check your request: shall I send it? (the centre will give the day; do not go before)
    confirmRequest: {
      ask: async (turn) => {
        const { ruta, values } = turn;
        const centre = await this.centre(turn);
        const details = bookingDetails(this.catalog, ruta.t, ruta.language, centre, { slot: null, timeZone: centre.timeZone, occupation: this.occupationOf(values).id, standard: this.standard(turn) });
        const institution = this.catalog.institution(centre.institution)?.acronym ?? centre.institution;
        return {
          kind: 'menu',
          text: `${ruta.t('booking.confirmRequest', { details, preferences: preferencesText(ruta.t, values.preferences ?? null) })}\n${ruta.t('booking.requestShareNotice', { institution, days: ruta.booking.service.rules.retentionDays })}`,
          options: [
            { id: 'yes', label: ruta.t('booking.requestYes'), synonyms: YES },
            { id: 'other', label: ruta.t('booking.requestOther'), synonyms: NO },
          ],
        };
      },
      answer: async (turn, { choice }) => {
        if (choice === 'other') return go('preferences');
        return choice === 'yes' ? this.sendRequest(turn) : retry;
      },
    },
  };

  /** Sends the request to a centre that sets its own times; it reaches the institution at once. */
  private async sendRequest(turn: StepTurn<Values>): Promise<Outcome> {
    const { ruta, values } = turn;
    const centre = await this.centre(turn);
    const result = await ruta.booking.service.request({ ...(await this.worker(turn)), centreId: centre.id, preferences: values.preferences ?? { any: true, dates: [], weekdays: [], parts: [] } });
    if (result.ok) {
      await turn.say(ruta.t('booking.requestDone', { code: result.booking.code, centre: centre.name }));
      return endAll;
    }
    if (result.reason === 'already') {
      if (result.booking) await turn.say(ruta.t('booking.already', { code: result.booking.code, when: whenText(ruta.t, result.booking) }));
      return end();
    }
    await turn.say(ruta.t('common.error'));
    return end();
  }

  /** Who is booking, for what, and how to reach them (the address sealed, never plain). */
  private async worker(turn: StepTurn<Values>): Promise<Omit<WorkerRequest, 'centreId'>> {
    const { ruta, values } = turn;
    const occupation = this.occupationOf(values);
    const profile = await ruta.profile.load();
    const prescreen: PrescreenSnapshot | null =
      profile && profile.occupation === occupation.id
        ? { level: profile.level, share: profile.share, years: profile.years, learnedAt: profile.learnedAt, evidence: profile.evidence, completedAt: profile.completedAt }
        : null;
    return {
      pid: ruta.pid,
      aid: ruta.session.aid ?? null,
      startedAt: ruta.session.startedAt ?? null,
      ...(ruta.extras.simulated ? { simulated: true } : {}),
      occupation: occupation.id,
      standard: this.standard(turn),
      channel: ruta.extras.channelKind,
      contact: ruta.extras.contact?.seal() ?? null,
      via: ruta.extras.contact?.via ?? null,
      firstName: values.firstName ?? null,
      language: ruta.language,
      prescreen,
    };
  }

  /** A centre with published hours offers its slots; any other takes a request. */
  private async afterCentre(turn: StepTurn<Values>): Promise<Outcome> {
    const centre = await this.centre(turn);
    if (!isBookable(centre)) return go('preferences');
    turn.values.preferences = undefined;
    return this.offerSlots(turn);
  }

  /** The days with free slots, for "another day". */
  private async offerDays(turn: StepTurn<Values>): Promise<Outcome> {
    const centre = await this.centre(turn);
    const days = await turn.ruta.booking.service.freeDays(centre, MAX_DAYS);
    if (days.length === 0) {
      await turn.say(noSlotsText(this.catalog, turn.ruta, centre));
      return (turn.values.centres?.length ?? 0) > 1 ? go('centre') : end();
    }
    turn.values.days = days;
    return go('day');
  }

  /** Reserves the chosen slot; a lost race shows the slots still free. */
  private async book(turn: StepTurn<Values>): Promise<Outcome> {
    const { ruta, values } = turn;
    const centre = await this.centre(turn);
    const occupation = this.occupationOf(values);
    const result = await ruta.booking.service.book({ ...(await this.worker(turn)), centreId: centre.id, local: values.slot ?? '' });
    if (result.ok) {
      const b = result.booking;
      await turn.say(ruta.t('booking.done', { code: b.code, details: bookingDetails(this.catalog, ruta.t, ruta.language, centre, b) }));
      await turn.say(`${whatToBring(this.catalog, ruta.t, ruta.language, centre.institution, occupation.id, await this.facts.routeOf(centre.institution))}\n\n${ruta.t('booking.manage')}`);
      return endAll;
    }
    if (result.reason === 'already') {
      if (result.booking) await turn.say(ruta.t('booking.already', { code: result.booking.code, when: whenText(ruta.t, result.booking) }));
      return end();
    }
    // Someone took the last place first (or the slot is no longer offered): the slots still free.
    return this.offerSlots(turn, 'booking.slotTaken');
  }

  /** The standard is known: say so, unless the worker already holds a booking for it. */
  private async afterStandard(turn: StepTurn<Values>): Promise<Outcome> {
    const { ruta } = turn;
    const standard = this.standard(turn);
    const occupation = this.occupationOf(turn.values);
    const existing = (await ruta.booking.service.activeFor(ruta.pid)).find((b) => standardKey(b) === standardKey({ standard, occupation: occupation.id }));
    if (existing) {
      await turn.say(ruta.t('booking.already', { code: existing.code, when: whenText(ruta.t, existing) }));
      return end();
    }
    if (!turn.values.introduced) {
      turn.values.introduced = true;
      await turn.say(ruta.t('booking.intro', { standard: standardText(this.catalog, ruta.t, ruta.language, occupation.id, standard.code) }));
    }
    return go('where');
  }

  /**
   * The nearest centres assessing the standard from where the worker is. When none is within
   * FAR_KM (or none is known), analytics count the town (`place`) as far from any centre.
   */
  private async setPlace(turn: StepTurn<Values>, point: { lat: number; lon: number }, place: Pick<Place, 'name' | 'region' | 'kind'> | undefined): Promise<Outcome> {
    const { ruta, values } = turn;
    const occupation = this.occupationOf(values);
    const { institution } = this.standard(turn);
    const nearest = (await ruta.booking.service.centres.assessing(institution, occupation.id, point)).slice(0, MAX_CENTRES);
    values.places = undefined;
    const closest = nearest[0]?.km;
    if (place && (closest === undefined || closest > FAR_KM)) ruta.track({ kind: 'centre_far', place: placeId(place) });
    const acronym = this.catalog.institution(institution)?.acronym ?? institution;
    if (nearest.length === 0) {
      await turn.say(this.noCentreText(ruta, acronym, occupation, this.standard(turn).code));
      return end();
    }
    values.centres = nearest.map((c) => ({ id: c.centre.id, km: c.km ?? 0, ...(c.maybe ? { maybe: true } : {}) }));
    if (nearest.length > 1) return go('centre');
    const only = nearest[0]!;
    await turn.say(ruta.t(only.maybe ? 'booking.oneCentreMaybe' : 'booking.oneCentre', { occupation: occupation.name[ruta.language], centre: centreLabel(only.centre), distance: distanceText(ruta.t, only.km ?? 0) }));
    values.centreId = only.centre.id;
    return this.afterCentre(turn);
  }

  /**
   * No centre of the institution is known to assess the trade. For a Mexican standard, the
   * certifiers RENEC accredits for it are named (CONOCER does not assess workers itself): the worker
   * has somewhere to ask, not only "ask CONOCER".
   */
  private noCentreText(ruta: RutaTurn, institution: string, occupation: Occupation, code: string | null): string {
    const base = ruta.t('booking.noCentre', { institution, occupation: occupation.name[ruta.language] });
    const certifiers = code ? (this.catalog.renecStandard(code)?.certifiers ?? []) : [];
    if (certifiers.length === 0) return base;
    const named = certifiers.slice(0, MAX_CERTIFIERS).join('; ');
    const more = certifiers.length > MAX_CERTIFIERS ? ruta.t('booking.renecMore', { count: certifiers.length - MAX_CERTIFIERS }) : '';
    return `${base}\n${ruta.t('booking.renecCertifiers', { institution, standard: code, certifiers: `${named}${more}` })}`;
  }

  /** Fixes the next free slots of the chosen centre and asks which one (after `lead`, when given). */
  private async offerSlots(turn: StepTurn<Values>, lead?: 'booking.slotTaken', query: SlotQuery = {}): Promise<Outcome> {
    const { ruta, values } = turn;
    const centre = await this.centre(turn);
    const free = await ruta.booking.service.freeSlots(centre, { limit: MAX_SLOTS, ...query });
    if (free.length === 0 && query.after) return this.offerDays(turn);
    if (free.length === 0) {
      await turn.say(noSlotsText(this.catalog, ruta, centre));
      return (values.centres?.length ?? 0) > 1 ? go('centre') : end();
    }
    values.slots = free.map((s) => s.local);
    if (lead) await turn.say(ruta.t(lead));
    return go('slot');
  }

  private async slotQuestion(turn: StepTurn<Values>, key: string): Promise<Question> {
    const { ruta, values } = turn;
    const centre = await this.centre(turn);
    const options = slotOptions(ruta.t, centre, values.slots ?? []);
    options.push({ id: 'more', label: ruta.t('booking.moreSlots') }, { id: 'day', label: ruta.t('booking.otherDay') });
    if ((values.centres?.length ?? 0) > 1) options.push({ id: 'otherCentre', label: ruta.t('booking.otherCentre') });
    return { kind: 'menu', text: ruta.t(key, { centre: centre.name }), options };
  }

  private async setCountry(turn: StepTurn<Values>, code: string): Promise<Outcome> {
    if (!this.catalog.country(code)) return retry;
    turn.values.country = code;
    turn.ruta.session.country = code;
    return turn.values.occupation ? this.afterStandard(turn) : go('trade');
  }

  private async setOccupation(turn: StepTurn<Values>, id: string): Promise<Outcome> {
    if (!this.catalog.occupation(id)) return retry;
    turn.values.occupation = id;
    return this.afterStandard(turn);
  }

  private standard(turn: StepTurn<Values>): { institution: string; code: string | null } {
    const [first] = this.catalog.standardsFor(this.occupationOf(turn.values), this.country(turn));
    if (!first) throw new Error('booking: no institution certifies in this country');
    return { institution: first.institution, code: first.code };
  }

  private country(turn: StepTurn<Values>): string {
    if (!turn.values.country) throw new Error('booking step reached without a country');
    return turn.values.country;
  }

  private occupationOf(values: Values): Occupation {
    const o = this.catalog.occupation(values.occupation ?? '');
    if (!o) throw new Error('booking step reached without an occupation');
    return o;
  }

  private async centre(turn: StepTurn<Values>) {
    const centre = await turn.ruta.booking.service.centres.get(turn.values.centreId ?? '');
    if (!centre) throw new Error('booking step reached without a centre');
    return centre;
  }
}

/**
 * How far a centre is, as the worker reads it: "a 12 km", or "in your town" when it is under a
 * kilometre away (a typed town is placed at its centre, so "0 km" would claim a precision we lack).
 */
function distanceText(t: Translate, km: number): string {
  return km < 1 ? t('booking.distanceHere') : t('booking.distanceKm', { km: Math.round(km) });
}
