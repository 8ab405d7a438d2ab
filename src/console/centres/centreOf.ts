import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { minutesOf, WEEKDAYS, type Availability } from '../../booking/availability.js';
import type { Centre } from '../../booking/centre.js';
import { canSeeCentre, viewerOf } from '../access.js';
import type { ConsoleDeps } from '../ConsoleServices.js';
import type { ConsoleLanguage } from '../consoleI18n.js';
import { sendMessage } from '../pages/MessagePage.js';

const centreParam = z.object({ id: z.string().regex(/^[a-z][a-z0-9-]*$/).max(64) });

/**
 * The centre of the route's `:id` when the signed-in person may see it; otherwise a 404 page is sent
 * (another institution's centre, or one outside the person's list, answers exactly like a missing one).
 *
 * @example const centre = await centreOf(req, res, deps); if (!centre) return;
 */
export async function centreOf(req: Request, res: Response, deps: ConsoleDeps): Promise<Centre | undefined> {
  const params = centreParam.safeParse(req.params);
  const centre = params.success ? await deps.centres.get(params.data.id) : undefined;
  if (centre && canSeeCentre(viewerOf(res), centre)) return centre;
  sendMessage(req, res, 'notFound');
  return undefined;
}

/** The centre's date now (YYYY-MM-DD in its time zone, on the injected clock). */
export const todayAt = (centre: Pick<Centre, 'timeZone'>, now: Date): string => DateTime.fromJSDate(now, { zone: centre.timeZone }).toISODate() ?? '';

/** A booking's start as staff read it, in the centre's own time: "lun., 23 nov. 2026, 08:00". */
export const formatStart = (iso: string, lang: ConsoleLanguage): string =>
  DateTime.fromISO(iso, { setZone: true }).setLocale(lang).toFormat('ccc d LLL yyyy, HH:mm');

/** A date as staff read it: "jue. 24 dic. 2026". */
export const formatDate = (date: string, lang: ConsoleLanguage): string => DateTime.fromISO(date).setLocale(lang).toFormat('ccc d LLL yyyy');

/** A weekday's ranges, in order: [['08:00', '12:00'], ['13:00', '16:00']]. */
export const rangesOn = (availability: Availability, day: (typeof WEEKDAYS)[number]): Array<[string, string]> =>
  availability.weekly
    .filter((r) => r.day === day)
    .sort((a, b) => minutesOf(a.from) - minutesOf(b.from))
    .map((r) => [r.from, r.to]);

/** What the audit log keeps of a centre's hours: short, readable, comparable before and after. */
export function hoursSummary(a: Availability | null): { slotMinutes: number; capacity: number; weekly: string[] } | null {
  if (!a) return null;
  return { slotMinutes: a.slotMinutes, capacity: a.capacity, weekly: WEEKDAYS.flatMap((d) => rangesOn(a, d).map(([f, t]) => `${d} ${f}-${t}`)) };
}

/** What the audit log keeps of a centre's details. */
export function detailsSummary(c: Centre): { name: string; city: string; address: string | null; phone: string | null; assesses: string | string[] } {
  return { name: c.name, city: c.city, address: c.address, phone: c.phone, assesses: c.assesses };
}

/** The centre's source with a note of who changed it where (kept short: the audit log has the detail). */
export function sourceNote(c: Centre, what: string, now: Date): string {
  const note = `${what} set by ${c.institution} in the console on ${now.toISOString().slice(0, 10)}.`;
  return c.source.endsWith(note) ? c.source : `${c.source} ${note}`.slice(-1000);
}
