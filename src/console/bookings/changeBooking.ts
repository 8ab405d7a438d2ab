import type { Response } from 'express';
import { z } from 'zod';
import type { Booking } from '../../booking/booking.js';
import type { ChangeResult } from '../../booking/BookingService.js';
import { viewerOf } from '../access.js';
import type { Audit } from '../Audit.js';
import { auditSummary } from './bookingAccess.js';

/** What a booking page says after a change (the `done` of its address, `?done=attended`). */
export const DONE = ['attended', 'no_show', 'outcome', 'moved', 'cancelled', 'confirmed', 'proposed', 'declined'] as const;
export type Done = (typeof DONE)[number];
export const doneQuery = z.object({ done: z.enum(DONE).optional() });

/** A change the booking service refused, as the page says it (booking.errors.<reason>). */
export type Refusal = Exclude<ChangeResult, { ok: true }>['reason'];

/**
 * After the booking service made a change: an audit entry (who, the booking code, its status,
 * time and outcome before and after), then 303 to the booking's page, which says what was done.
 */
export async function changed(res: Response, audit: Audit, before: Booking, after: Booking, done: Done): Promise<void> {
  const me = viewerOf(res);
  await audit.record({ who: me.email, institution: me.institution, action: `booking.${done}`, target: after.code, before: auditSummary(before), after: auditSummary(after) });
  res.redirect(303, `/console/bookings/${after.code}?done=${done}`);
}
