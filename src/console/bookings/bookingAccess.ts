import { z } from 'zod';
import type { Booking } from '../../booking/booking.js';
import type { BookingService } from '../../booking/BookingService.js';
import type { Centre } from '../../booking/centre.js';
import type { ConsoleUser } from '../accounts/Accounts.js';
import { canSeeCentre } from '../access.js';

/** A booking code in a console address (any case: codes are read aloud and typed). */
export const bookingParam = z.object({ code: z.string().regex(/^[A-Za-z0-9]{4,12}$/).transform((c) => c.toUpperCase()) });

/**
 * The booking named by a route's `:code`, with its centre, if the person may see it: their
 * institution's, at a centre in their list. Anything else — another institution's booking, one of
 * a centre outside their list, a code that does not exist or is malformed — is undefined, so every
 * route answers it with the same 404.
 *
 * @example const found = await visibleBooking(viewerOf(res), req.params, deps.bookings); if (!found) return sendMessage(req, res, 'notFound');
 */
export async function visibleBooking(user: Pick<ConsoleUser, 'role' | 'institution' | 'centres'>, params: unknown, bookings: BookingService): Promise<{ booking: Booking; centre: Centre } | undefined> {
  const parsed = bookingParam.safeParse(params);
  if (!parsed.success) return undefined;
  const booking = await bookings.get(parsed.data.code);
  if (!booking || booking.institution !== user.institution) return undefined;
  const centre = await bookings.centres.get(booking.centreId);
  return centre && canSeeCentre(user, centre) ? { booking, centre } : undefined;
}

/** What the audit log keeps of a booking before and after a change: its status, time and outcome (never the worker's number). */
export function auditSummary(b: Booking): { status: string; time: string | null; outcome: string | null } {
  return { status: b.status, time: b.slot?.local ?? null, outcome: b.outcome };
}
