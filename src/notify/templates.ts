import { z } from 'zod';

/** Messages Ruta sends a worker without being asked. */
export const MESSAGE_KINDS = ['reminder', 'confirmed', 'proposed', 'declined', 'cancelled', 'rescheduled', 'attended', 'no_show', 'outcome'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/**
 * Approved WhatsApp content templates (HX… SIDs) per message kind and language, used outside the
 * 24-hour window. Their variables: 1 the centre, 2 the date and time (for 'declined': the reason,
 * for 'outcome': the result), 3 the booking code.
 */
export const templatesSchema = z.partialRecord(z.enum(MESSAGE_KINDS), z.partialRecord(z.enum(['es', 'en', 'ht']), z.string().regex(/^HX[0-9a-fA-F]{32}$/)));
export type Templates = z.infer<typeof templatesSchema>;
