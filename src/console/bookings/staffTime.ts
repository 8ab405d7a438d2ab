import { DateTime } from 'luxon';
import { isBookable, type Centre } from '../../booking/centre.js';
import { slotOf } from '../../booking/slots.js';

/** Why a date and time typed by staff cannot be used, before the booking service is asked. */
export type StaffTimeProblem = 'dateMissing' | 'timeMissing' | 'dateInvalid' | 'timeInvalid' | 'past' | 'notOpen';

export type StaffTime = { ok: true; local: string } | { ok: false; problems: Array<{ on: 'date' | 'time'; problem: StaffTimeProblem }> };

/**
 * A date (YYYY-MM-DD, from a date input) and a time (HH:MM, from a time input) as a local start
 * in the centre's time zone ('2027-03-02T10:00'). It must be in the future; at a centre whose hours
 * are in Ruta it must be one of its published times (whether that time still has a place is the
 * booking service's answer: 'full').
 *
 * @example staffTime({ date: '2026-11-23', time: '09:00' }, centre, now) // { ok: true, local: '2026-11-23T09:00' }
 */
export function staffTime(fields: { date: string; time: string }, centre: Centre, now: Date): StaffTime {
  const date = fields.date.trim();
  const time = fields.time.trim();
  const problems: Array<{ on: 'date' | 'time'; problem: StaffTimeProblem }> = [];
  if (date === '') problems.push({ on: 'date', problem: 'dateMissing' });
  else if (!/^\d{4}-\d\d-\d\d$/.test(date) || !DateTime.fromISO(date).isValid) problems.push({ on: 'date', problem: 'dateInvalid' });
  if (time === '') problems.push({ on: 'time', problem: 'timeMissing' });
  else if (!/^([01]\d|2[0-3]):[0-5]\d(:00)?$/.test(time)) problems.push({ on: 'time', problem: 'timeInvalid' });
  if (problems.length > 0) return { ok: false, problems };
  const local = `${date}T${time.slice(0, 5)}`;
  const start = DateTime.fromISO(local, { zone: centre.timeZone });
  // A wall-clock time skipped by a daylight-saving change does not exist that day.
  if (!start.isValid || start.toFormat("yyyy-LL-dd'T'HH:mm") !== local) return { ok: false, problems: [{ on: 'time', problem: 'timeInvalid' }] };
  if (start.toMillis() <= now.getTime()) return { ok: false, problems: [{ on: 'date', problem: 'past' }] };
  if (isBookable(centre) && !slotOf(centre, local)) return { ok: false, problems: [{ on: 'time', problem: 'notOpen' }] };
  return { ok: true, local };
}
