import { z } from 'zod';

const sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be a ${prefix}… id`);
const address = z.string().min(3).max(64);
const coordinate = (limit: number) =>
  z.coerce.number().min(-limit).max(limit);

/**
 * Twilio's inbound message webhook (SMS and WhatsApp), as documented at
 * twilio.com/docs/messaging/guides/webhook-request. Unknown fields are ignored.
 */
export const inboundMessageSchema = z
  .object({
    MessageSid: z.string().regex(/^(SM|MM|IM)[0-9a-fA-F]{32}$/, 'must be a MessageSid'),
    AccountSid: sid('AC'),
    MessagingServiceSid: sid('MG').optional(),
    From: address,
    To: address,
    Body: z.string().max(4000).default(''),
    NumMedia: z.coerce.number().int().min(0).max(10).default(0),
    NumSegments: z.coerce.number().int().min(0).optional(),
    ProfileName: z.string().optional(),
    WaId: z.string().optional(),
    Latitude: coordinate(90).optional(),
    Longitude: coordinate(180).optional(),
    OptOutType: z.enum(['STOP', 'START', 'HELP']).optional(),
    ButtonPayload: z.string().optional(),
  })
  .loose();
export type InboundMessage = z.infer<typeof inboundMessageSchema>;

/** Twilio's message status callback. */
export const statusCallbackSchema = z
  .object({
    MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
    // queued, sent, failed, delivered, undelivered, read…; kept open so a new status never 400s.
    MessageStatus: z.string().min(1).max(40),
    To: address.optional(),
    From: address.optional(),
    ErrorCode: z.coerce.number().int().optional(),
    AccountSid: sid('AC'),
  })
  .loose();
export type StatusCallback = z.infer<typeof statusCallbackSchema>;

/** 'whatsapp' when the address carries Twilio's whatsapp: prefix, else 'sms'. */
export function channelOf(from: string): 'sms' | 'whatsapp' {
  return /^whatsapp:/i.test(from) ? 'whatsapp' : 'sms';
}

/** Flattens an urlencoded body (express gives string | string[]) to Twilio's name → value map. */
export function formParams(body: unknown): Record<string, string> {
  const params: Record<string, string> = {};
  if (!body || typeof body !== 'object') return params;
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string') params[k] = v;
    else if (Array.isArray(v) && typeof v[0] === 'string') params[k] = v[0];
  }
  return params;
}
