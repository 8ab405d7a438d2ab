import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../../store/Store.js';
import { decoyHash, hashPassword, verifyPassword } from './password.js';

export const ROLES = ['admin', 'staff', 'coordinator'] as const;
export type Role = (typeof ROLES)[number];
/** The roles of an institution's own people: they see its centres, requests and bookings. */
export const INSTITUTION_ROLES = ['admin', 'staff'] as const satisfies readonly Role[];

/** An e-mail address as the console keeps it: trimmed and lowercased. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email().max(254));
const slug = z.string().regex(/^[a-z][a-z0-9-]*$/).max(64);
/** Which centres of their institution a person may see: 'all', or a list of centre ids. */
export const centreScopeSchema = z.union([z.literal('all'), z.array(slug).min(1).max(500)]);
export type CentreScope = z.infer<typeof centreScopeSchema>;
/**
 * Which countries' anonymous figures a coordinator may see: 'all', or a list of country codes.
 *
 * @example 'all' · ['DO', 'HT']
 */
export const countryScopeSchema = z.union([z.literal('all'), z.array(z.string().regex(/^[A-Z]{2}$/)).min(1).max(50)]);
export type CountryScope = z.infer<typeof countryScopeSchema>;

/** A coordinator needs a country scope; nobody else has one. */
const scopeFits = (a: { role: Role; countries?: CountryScope | undefined }) => (a.role === 'coordinator') === (a.countries !== undefined);
const SCOPE_MESSAGE = { message: 'a coordinator has a country scope, and only a coordinator', path: ['countries'] };

/**
 * A person who uses the console: an institution's admin or staff (who see its centres, within
 * `centres`), or a coordinator (ILO, ministry, an institution's managers) who sees no worker, only
 * anonymous figures of the countries in `countries`, and the simulator. A coordinator's
 * `institution` is the one whose admin invited them (where the account is listed and audited).
 *
 * @example { id: '3f9a0c1b2d4e5f60', email: 'ana@infotep.gob.do', name: 'Ana Pérez', institution: 'infotep', role: 'staff',
 *            centres: ['infotep-santiago'], passwordHash: 'scrypt$32768$8$1$…', createdAt: '2026-03-01T12:00:00.000Z' }
 */
export const userSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{16}$/),
  email: emailSchema,
  name: z.string().min(1).max(100),
  institution: slug,
  role: z.enum(ROLES),
  centres: centreScopeSchema,
  /** Coordinators only. */
  countries: countryScopeSchema.optional(),
  passwordHash: z.string(),
  createdAt: z.iso.datetime(),
  disabledAt: z.iso.datetime().optional(),
}).refine(scopeFits, SCOPE_MESSAGE);
export type ConsoleUser = z.infer<typeof userSchema>;

/** An invitation, stored under the SHA-256 of its one-time token (the token itself is shown once, never kept). */
const inviteSchema = z.object({
  email: emailSchema,
  institution: slug,
  role: z.enum(ROLES),
  centres: centreScopeSchema,
  countries: countryScopeSchema.optional(),
  invitedBy: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
}).refine(scopeFits, SCOPE_MESSAGE);
export type Invitation = z.infer<typeof inviteSchema>;

export type InviteResult = { ok: true; token: string; expiresAt: string } | { ok: false; reason: 'other_institution' | 'already_active' };
export type InvitationLookup = { ok: true; invitation: Invitation } | { ok: false; reason: 'unknown' | 'expired' | 'used' };
export type AcceptResult = { ok: true; user: ConsoleUser } | { ok: false; reason: 'unknown' | 'expired' | 'used' | 'other_institution' };

/** An invitation link works for 72 hours after it is made. */
export const INVITE_HOURS = 72;
/** Lists and indexes are kept "until deleted"; Store.setField needs a lifetime. */
const KEEP = 10 * 365 * 24 * 3600;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const keys = {
  user: (id: string) => `console/user/${id}`,
  email: (email: string) => `console/email/${email}`,
  institution: (institution: string) => `console/users/${institution}`,
  invite: (hash: string) => `console/invite/${hash}`,
  used: (hash: string) => `console/invite-used/${hash}`,
};

/**
 * Console accounts and invitations over the project's Store (Redis, or memory in the quick start).
 * Expected outcomes are values; everything read back is checked with zod.
 *
 * @example
 *   const { token } = await accounts.invite({ email: 'ana@infotep.gob.do', institution: 'infotep', role: 'admin', centres: 'all', invitedBy: 'cli' });
 *   await accounts.acceptInvite(token, { name: 'Ana', password: 'a long passphrase' }); // { ok: true, user }
 *   await accounts.checkPassword('ana@infotep.gob.do', 'a long passphrase');           // the user
 */
export class Accounts {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
  ) {}

  /** A new one-time invitation for `email` to the institution; the token is returned once. */
  async invite(input: { email: string; institution: string; role: Role; centres: CentreScope; countries?: CountryScope; invitedBy: string }): Promise<InviteResult> {
    const email = emailSchema.parse(input.email);
    const existing = await this.byEmail(email);
    if (existing && existing.institution !== input.institution) return { ok: false, reason: 'other_institution' };
    if (existing && !existing.disabledAt) return { ok: false, reason: 'already_active' };
    const token = randomBytes(32).toString('base64url');
    const created = this.now();
    const expiresAt = new Date(created.getTime() + INVITE_HOURS * 3600_000).toISOString();
    const invitation: Invitation = inviteSchema.parse({ ...input, email, createdAt: created.toISOString(), expiresAt });
    // Redis forgets it a day after it expires; the expiry itself is judged on the injected clock.
    await this.store.set(keys.invite(sha256(token)), JSON.stringify(invitation), (INVITE_HOURS + 24) * 3600);
    return { ok: true, token, expiresAt };
  }

  /** The invitation a token opens, or why it does not open one. */
  async invitation(token: string): Promise<InvitationLookup> {
    if (!TOKEN.test(token)) return { ok: false, reason: 'unknown' };
    const hash = sha256(token);
    const invitation = parseJson(inviteSchema, await this.store.get(keys.invite(hash)));
    if (!invitation) return { ok: false, reason: 'unknown' };
    if ((await this.store.exists([keys.used(hash)])) > 0) return { ok: false, reason: 'used' };
    if (Date.parse(invitation.expiresAt) <= this.now().getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, invitation };
  }

  /**
   * Uses an invitation (once: two concurrent uses cannot both succeed) and creates the account,
   * or reactivates a disabled one of the same institution with the new name and password.
   */
  async acceptInvite(token: string, input: { name: string; password: string }): Promise<AcceptResult> {
    const found = await this.invitation(token);
    if (!found.ok) return found;
    const hash = sha256(token);
    if (!(await this.store.setIfAbsent(keys.used(hash), this.now().toISOString(), (INVITE_HOURS + 24) * 3600))) return { ok: false, reason: 'used' };
    const { invitation } = found;
    const existing = await this.byEmail(invitation.email);
    if (existing && existing.institution !== invitation.institution) return { ok: false, reason: 'other_institution' };
    const user: ConsoleUser = userSchema.parse({
      id: existing?.id ?? randomBytes(8).toString('hex'),
      email: invitation.email,
      name: input.name,
      institution: invitation.institution,
      role: invitation.role,
      centres: invitation.centres,
      ...(invitation.countries ? { countries: invitation.countries } : {}),
      passwordHash: await hashPassword(input.password),
      createdAt: existing?.createdAt ?? this.now().toISOString(),
    });
    await this.save(user);
    return { ok: true, user };
  }

  /** The active user whose e-mail and password these are; undefined otherwise (taking the same time either way). */
  async checkPassword(email: string, password: string): Promise<ConsoleUser | undefined> {
    const parsed = emailSchema.safeParse(email);
    const user = parsed.success ? await this.byEmail(parsed.data) : undefined;
    const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
    return user && matches && !user.disabledAt ? user : undefined;
  }

  async byId(id: string): Promise<ConsoleUser | undefined> {
    if (!/^[0-9a-f]{16}$/.test(id)) return undefined;
    return parseJson(userSchema, await this.store.get(keys.user(id)));
  }

  async byEmail(email: string): Promise<ConsoleUser | undefined> {
    const parsed = emailSchema.safeParse(email);
    if (!parsed.success) return undefined;
    const id = await this.store.get(keys.email(parsed.data));
    return id === null ? undefined : this.byId(id);
  }

  /** Every account of an institution (disabled ones included), by name. */
  async list(institution: string): Promise<ConsoleUser[]> {
    const ids = Object.keys(await this.store.fields(keys.institution(institution)));
    const users = await Promise.all(ids.map((id) => this.byId(id)));
    return users.filter((u): u is ConsoleUser => u !== undefined).sort((a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email));
  }

  /** Disables an account (its sessions end at their next request); the account before, or undefined when unknown. */
  async disable(id: string): Promise<{ before: ConsoleUser; after: ConsoleUser } | undefined> {
    const before = await this.byId(id);
    if (!before) return undefined;
    const after = { ...before, disabledAt: before.disabledAt ?? this.now().toISOString() };
    await this.save(after);
    return { before, after };
  }

  private async save(user: ConsoleUser): Promise<void> {
    await this.store.set(keys.user(user.id), JSON.stringify(user));
    await this.store.set(keys.email(user.email), user.id);
    await this.store.setField(keys.institution(user.institution), user.id, user.createdAt, KEEP);
  }
}

/** A person's account as the audit log and the pages may show it: never the password hash. */
export function accountSummary(user: ConsoleUser): { email: string; name: string; role: Role; centres: CentreScope; countries?: CountryScope; disabled: boolean } {
  return { email: user.email, name: user.name, role: user.role, centres: user.centres, ...(user.countries ? { countries: user.countries } : {}), disabled: user.disabledAt !== undefined };
}

/** Whether a person works for an institution (admin or staff), as opposed to a coordinator. */
export function isInstitutionRole(role: Role): role is (typeof INSTITUTION_ROLES)[number] {
  return (INSTITUTION_ROLES as readonly Role[]).includes(role);
}

/**
 * Whether a coordinator's scope covers a country. Institution people have no country scope: false.
 *
 * @example coversCountry({ role: 'coordinator', countries: ['DO'] }, 'DO') === true
 */
export function coversCountry(user: { role: Role; countries?: CountryScope | undefined }, country: string): boolean {
  if (user.role !== 'coordinator' || !user.countries) return false;
  return user.countries === 'all' || user.countries.includes(country);
}

function parseJson<T>(schema: z.ZodType<T>, raw: string | null): T | undefined {
  if (raw === null) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
