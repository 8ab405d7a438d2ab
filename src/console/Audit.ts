import { z } from 'zod';
import type { Store } from '../store/Store.js';

/** Each institution keeps its newest 10,000 audit entries. */
export const AUDIT_KEEP = 10_000;
/** Kept until pushed out by newer entries (Store.pushCapped needs a lifetime). */
const KEEP_SECONDS = 10 * 365 * 24 * 3600;

/** A JSON value small enough to show: what a thing was before and after a change. */
type Summary = string | number | boolean | null | Summary[] | { [key: string]: Summary };
const summarySchema: z.ZodType<Summary> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(summarySchema), z.record(z.string(), summarySchema)]));

/**
 * One change made by a person (or the command line), as the audit page shows it.
 * - `who`: the person's e-mail, or 'cli' for `npx ruta user …`;
 * - `action`: what was done, a dotted verb such as 'user.invite', 'user.disable', 'booking.confirm';
 * - `target`: what it was done to (an e-mail, a booking code, a centre id);
 * - `before` / `after`: safe summaries (null when the thing did not exist before or after).
 * Callers pass summaries, never a worker's phone number; as a second guard, any text that looks like
 * a phone number is replaced by "[phone]" before it is stored.
 *
 * @example await audit.record({ who: 'ana@infotep.gob.do', institution: 'infotep', action: 'user.disable',
 *            target: 'luis@infotep.gob.do', before: { disabled: false }, after: { disabled: true } })
 */
export const auditEntrySchema = z.object({
  who: z.string().min(1).max(254),
  institution: z.string().min(1).max(64),
  action: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/).max(64),
  target: z.string().max(254),
  before: summarySchema,
  after: summarySchema,
  at: z.iso.datetime(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

const key = (institution: string) => `console/audit/${institution}`;

/** The console's audit log: a capped list per institution, newest first. */
export class Audit {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
  ) {}

  /** Records a change; `at` defaults to now on the injected clock. */
  async record(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<AuditEntry> {
    const valid = auditEntrySchema.parse({ ...entry, before: scrubbed(entry.before), after: scrubbed(entry.after), at: entry.at ?? this.now().toISOString() });
    await this.store.pushCapped(key(valid.institution), JSON.stringify(valid), AUDIT_KEEP, KEEP_SECONDS);
    return valid;
  }

  /** An institution's newest entries, newest first (unreadable entries are skipped). */
  async recent(institution: string, limit = 100): Promise<AuditEntry[]> {
    const raw = await this.store.list(key(institution), limit);
    return raw.flatMap((line) => {
      try {
        const parsed = auditEntrySchema.safeParse(JSON.parse(line));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    });
  }
}

/** The summary with phone-like text replaced (e-mail addresses of staff are kept: they say who). */
function scrubbed(value: Summary): Summary {
  if (typeof value === 'string') return scrubPhones(value);
  if (Array.isArray(value)) return value.map(scrubbed);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubbed(v)]));
  return value;
}

/** Phone-like text: an optional +, then 7 or more digits with spaces, dots, dashes or brackets (as in privacy/scrub.ts). */
const PHONE = /(?:\+|\b)\d[\d\s().-]{5,}\d\b/g;
/** A date such as 2026-03-02 (with a time after it, perhaps) is not a phone number. */
const DATE_START = /^\d{4}-\d\d-\d\d(?!\d)/;
function scrubPhones(text: string): string {
  return text.replace(PHONE, (m) => (m.replace(/\D/g, '').length >= 7 && !DATE_START.test(m) ? '[phone]' : m));
}
