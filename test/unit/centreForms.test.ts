import { describe, expect, it } from 'vitest';
import { closedOn, type Availability } from '../../src/booking/availability.js';
import { onboardingGaps } from '../../src/booking/onboarding.js';
import { CentreDirectory, loadCentres } from '../../src/booking/CentreDirectory.js';
import { Catalog } from '../../src/catalog/Catalog.js';
import { MemoryStore } from '../../src/store/MemoryStore.js';
import { slotsBetween } from '../../src/booking/slots.js';
import { isoDateOf, parseClosure } from '../../src/console/centres/closureForm.js';
import { hoursFormFrom, hoursFormOf, parseHours } from '../../src/console/centres/hoursForm.js';

const week: Availability = {
  slotMinutes: 60,
  capacity: 2,
  weekly: [
    { day: 'mon', from: '08:00', to: '12:00', capacity: 4 },
    { day: 'mon', from: '13:00', to: '16:00' },
  ],
  closedDates: ['2026-12-25'],
  closures: [{ from: '2026-12-30', to: '2027-01-02', reason: 'Fin de año' }],
};
/** A form as posted: every field empty unless given. */
const posted = (fields: Record<string, string>) => hoursFormFrom((name) => fields[name] ?? '');

describe('closures', () => {
  it('closes every day from `from` to `to`, both included, and slots skip them', () => {
    expect(['2026-12-29', '2026-12-30', '2027-01-02', '2027-01-03'].map((d) => closedOn(week, d))).toEqual([false, true, true, false]);
    const everyDay: Availability = { ...week, weekly: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => ({ day: day as 'mon', from: '08:00', to: '09:00' })) };
    const slots = slotsBetween({ timeZone: 'America/Santo_Domingo', availability: everyDay }, new Date('2026-12-28T00:00:00-04:00'), new Date('2027-01-05T00:00:00-04:00'));
    expect(slots.map((s) => s.local.slice(0, 10))).toEqual(['2026-12-28', '2026-12-29', '2027-01-03', '2027-01-04']);
  });
});

describe('onboardingGaps', () => {
  it('names what is missing, in order; a sample needs no address', () => {
    expect(onboardingGaps({ address: null, availability: null, assesses: 'unknown', sample: false })).toEqual(['address', 'hours', 'capacity', 'assesses']);
    expect(onboardingGaps({ address: 'Calle 1', availability: { ...week, weekly: [] }, assesses: 'all', sample: false })).toEqual(['hours']);
    expect(onboardingGaps({ address: null, availability: week, assesses: ['mason'], sample: true })).toEqual([]);
  });
});

describe('a centre stored onboarded before onboarding needed weekly hours', () => {
  it('is read as requests-only, not dropped for the default', async () => {
    const catalog = Catalog.load();
    const [sample] = loadCentres(catalog, { samples: true }).filter((c) => c.sample && c.institution === 'infotep');
    const store = new MemoryStore(() => Date.now());
    await store.set(`centre/${sample!.id}`, JSON.stringify({ ...sample, name: 'Guardado', availability: { ...sample!.availability, weekly: [] } }));
    const read = await new CentreDirectory(catalog, store, [sample!]).get(sample!.id);
    expect(read).toMatchObject({ name: 'Guardado', onboarded: false });
  });
});

describe('parseHours', () => {
  it('reads a round trip of the form, keeping closed dates, closures and a range’s own capacity', () => {
    const form = hoursFormOf(week);
    expect(form.days.mon).toEqual({ closed: false, from: '08:00', to: '12:00', from2: '13:00', to2: '16:00' });
    expect(form.days.tue.closed).toBe(true);
    expect(parseHours(form, week)).toEqual({ ok: true, availability: week });
  });

  it('understands 8:00, 0800, 8.30 and 8 as 24-hour times', () => {
    const parsed = parseHours(posted({ slotMinutes: '30', capacity: '1', 'mon-from': '8', 'mon-to': '1230', 'tue-from': '8.30', 'tue-to': '9:00', ...closed('wed', 'thu', 'fri', 'sat', 'sun') }), null);
    expect(parsed).toMatchObject({ ok: true, availability: { weekly: [{ day: 'mon', from: '08:00', to: '12:30' }, { day: 'tue', from: '08:30', to: '09:00' }] } });
  });

  it('finds every mistake, each on its field and day', () => {
    const parsed = parseHours(
      posted({
        slotMinutes: '60', capacity: '201',
        'mon-from': '08:00', 'mon-to': '08:30', // shorter than a slot
        'tue-from': '08:00', 'tue-to': '12:00', 'tue-from2': '11:00', 'tue-to2': '14:00', // overlap
        'wed-from': '08:00', 'wed-to': '12:00', 'wed-from2': '13:00', // second period half typed
        'thu-from': '25:00', 'thu-to': '26:00',
        'fri-closed': '1', 'fri-from': '08:00',
        ...closed('sat'),
      }),
      null,
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.map((e) => `${e.field} ${e.key}`)).toEqual([
      'capacity hours.errors.capacityInvalid',
      'mon-to hours.errors.shorterThanSlot',
      'tue-from2 hours.errors.secondOverlaps',
      'wed-to2 hours.errors.secondIncomplete',
      'thu-from hours.errors.timeInvalid',
      'fri-closed hours.errors.closedAndTimes',
      'sun-from hours.errors.openMissing',
    ]);
  });
});

describe('parseClosure', () => {
  const today = '2026-11-20';
  it('reads day/month/year or ISO dates; an empty last day is the first', () => {
    expect(isoDateOf(' 4/1/2027 ')).toBe('2027-01-04');
    expect(parseClosure({ from: '24/12/2026', to: '', reason: ' Nochebuena ' }, today)).toEqual({ ok: true, closure: { from: '2026-12-24', to: '2026-12-24', reason: 'Nochebuena' } });
    expect(parseClosure({ from: '2026-12-24', to: '26.12.2026', reason: 'Navidad' }, today)).toMatchObject({ ok: true, closure: { to: '2026-12-26' } });
  });

  it('refuses the past, impossible dates, a last day before the first, more than a year and no reason', () => {
    const keys = (form: { from: string; to: string; reason: string }) => {
      const parsed = parseClosure(form, today);
      return parsed.ok ? [] : parsed.errors.map((e) => e.key);
    };
    expect(keys({ from: '19/11/2026', to: '', reason: 'x' })).toEqual(['closures.errors.fromPast']);
    expect(keys({ from: '31/02/2027', to: '', reason: 'x' })).toEqual(['closures.errors.fromInvalid']);
    expect(keys({ from: '10/12/2026', to: '01/12/2026', reason: '' })).toEqual(['closures.errors.toBeforeFrom', 'closures.errors.reasonMissing']);
    expect(keys({ from: '01/12/2026', to: '01/01/2028', reason: 'x' })).toEqual(['closures.errors.tooLong']);
    expect(keys({ from: '', to: 'mañana', reason: 'x\ny' })).toEqual(['closures.errors.fromMissing', 'closures.errors.toInvalid']);
    expect(keys({ from: '01/12/2026', to: '', reason: 'x\ny' })).toEqual(['closures.errors.reasonInvalid']);
  });
});

function closed(...days: string[]): Record<string, string> {
  return Object.fromEntries(days.map((d) => [`${d}-closed`, '1']));
}
