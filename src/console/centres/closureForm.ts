import { closureSchema, type Closure } from '../../booking/availability.js';

/** The form that adds a closure, as typed: `to` empty means a single day. */
export interface ClosureForm {
  from: string;
  to: string;
  reason: string;
}

export type ClosureErrorKey =
  | 'closures.errors.fromMissing'
  | 'closures.errors.fromInvalid'
  | 'closures.errors.fromPast'
  | 'closures.errors.toInvalid'
  | 'closures.errors.toBeforeFrom'
  | 'closures.errors.tooLong'
  | 'closures.errors.reasonMissing'
  | 'closures.errors.reasonInvalid';

export interface ClosureError {
  field: 'from' | 'to' | 'reason';
  key: ClosureErrorKey;
}

const DATE = /^\d{4}-\d\d-\d\d$/;
const validDate = (s: string) => DATE.test(s) && !Number.isNaN(Date.parse(s)) && new Date(Date.parse(s)).toISOString().startsWith(s);

/**
 * A date as people type it — day/month/year ("24/12/2026", "24-12-2026", "24.12.2026") or ISO
 * ("2026-12-24") — as YYYY-MM-DD; anything else is returned as typed (and then refused).
 *
 * @example isoDateOf('4/1/2027') === '2027-01-04'
 */
export function isoDateOf(typed: string): string {
  const s = typed.trim();
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  return dmy ? `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}` : s;
}

/**
 * The closure a filled-in form asks for, or every problem with it. `today` is the centre's date now
 * (YYYY-MM-DD, on the injected clock): a closure cannot start in the past.
 *
 * @example parseClosure({ from: '2026-12-24', to: '', reason: 'Nochebuena' }, '2026-12-01') // { ok: true, closure: { from: '2026-12-24', to: '2026-12-24', reason: 'Nochebuena' } }
 */
export function parseClosure(form: ClosureForm, today: string): { ok: true; closure: Closure } | { ok: false; errors: ClosureError[] } {
  const errors: ClosureError[] = [];
  const from = isoDateOf(form.from);
  const to = form.to.trim() === '' ? from : isoDateOf(form.to);
  if (from === '') errors.push({ field: 'from', key: 'closures.errors.fromMissing' });
  else if (!validDate(from)) errors.push({ field: 'from', key: 'closures.errors.fromInvalid' });
  else if (from < today) errors.push({ field: 'from', key: 'closures.errors.fromPast' });
  if (form.to.trim() !== '' && !validDate(to)) errors.push({ field: 'to', key: 'closures.errors.toInvalid' });
  else if (validDate(from) && validDate(to) && to < from) errors.push({ field: 'to', key: 'closures.errors.toBeforeFrom' });
  else if (validDate(from) && validDate(to) && Date.parse(to) - Date.parse(from) > 366 * 24 * 3600_000) errors.push({ field: 'to', key: 'closures.errors.tooLong' });
  if (form.reason.trim() === '') errors.push({ field: 'reason', key: 'closures.errors.reasonMissing' });
  const parsed = closureSchema.safeParse({ from, to, reason: form.reason });
  if (errors.length === 0 && !parsed.success) errors.push({ field: 'reason', key: 'closures.errors.reasonInvalid' });
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, closure: parsed.data };
}
