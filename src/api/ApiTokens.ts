import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../store/Store.js';
import { countryScopeSchema, type CountryScope } from '../console/accounts/Accounts.js';

const common = { id: z.string(), createdAt: z.string(), hash: z.string() };
/**
 * What a token opens: an institution's endpoints (records from before kinds existed are these), or a
 * coordinator's — anonymous figures of the countries in scope, never an institution's endpoint.
 *
 * @example { kind: 'coordinator', countries: ['DO'], id: '0a1b2c3d4e5f', createdAt: '…', hash: '…' }
 */
const tokenRecord = z.union([
  z.object({ kind: z.literal('institution').default('institution'), institution: z.string(), ...common }),
  z.object({ kind: z.literal('coordinator'), countries: countryScopeSchema, ...common }),
]);
export type TokenRecord = z.infer<typeof tokenRecord>;
/** Where a kind's token ids are listed. */
const COORDINATORS = 'coordinators';

const TOKEN_FORMAT = /^ruta_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
/** Tokens do not expire by themselves: revoke them (ruta token revoke). Ten years is "until revoked". */
const UNTIL_REVOKED = 10 * 365 * 24 * 3600;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const tokenKey = (id: string) => `apitoken/${id}`;
/** Institution ids are lowercase slugs of the catalog, so 'coordinators' is never one (an institution's list is never a coordinator's). */
const listKey = (record: TokenRecord) => `apitokens/${record.kind === 'coordinator' ? COORDINATORS : record.institution}`;

/**
 * API tokens: `ruta_<id>_<secret>`, shown once when created, for an institution or a coordinator.
 * Only the SHA-256 of the token is stored, under its id; checking compares hashes in constant time.
 *
 * @example const { token } = await tokens.create('infotep'); (await tokens.verify(token))?.kind === 'institution'
 */
export class ApiTokens {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
  ) {}

  /** A token for an institution's endpoints. */
  create(institution: string): Promise<{ id: string; token: string }> {
    return this.make((common) => ({ kind: 'institution', institution, ...common }));
  }

  /** A token for the coordinator endpoints, limited to `countries`. */
  createCoordinator(countries: CountryScope): Promise<{ id: string; token: string }> {
    return this.make((common) => ({ kind: 'coordinator', countries, ...common }));
  }

  private async make(record: (common: { id: string; createdAt: string; hash: string }) => TokenRecord): Promise<{ id: string; token: string }> {
    const id = randomBytes(6).toString('hex');
    const token = `ruta_${id}_${randomBytes(32).toString('base64url')}`;
    const made = record({ id, createdAt: this.now().toISOString(), hash: sha256(token) });
    await this.store.set(tokenKey(id), JSON.stringify(made), UNTIL_REVOKED);
    await this.store.setField(listKey(made), id, made.createdAt, UNTIL_REVOKED);
    return { id, token };
  }

  /** The token's record when it is valid (well-formed, known, not revoked). */
  async verify(token: string): Promise<TokenRecord | undefined> {
    const m = TOKEN_FORMAT.exec(token);
    if (!m) return undefined;
    const record = await this.record(m[1]!);
    if (!record) return undefined;
    const expected = Buffer.from(record.hash, 'hex');
    const actual = Buffer.from(sha256(token), 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual) ? record : undefined;
  }

  /** Revokes a token by its id (or by the token itself); false when there was none. */
  async revoke(idOrToken: string): Promise<boolean> {
    const id = TOKEN_FORMAT.exec(idOrToken)?.[1] ?? idOrToken;
    const record = await this.record(id);
    if (!record) return false;
    await this.store.del([tokenKey(id)]);
    await this.store.setField(listKey(record), id, `revoked ${this.now().toISOString()}`, UNTIL_REVOKED);
    return true;
  }

  /** An institution's tokens: id → creation time, or "revoked <time>". */
  list(institution: string): Promise<Record<string, string>> {
    return this.store.fields(`apitokens/${institution}`);
  }

  /** Coordinator tokens: id → creation time, or "revoked <time>". */
  listCoordinator(): Promise<Record<string, string>> {
    return this.store.fields(`apitokens/${COORDINATORS}`);
  }

  private async record(id: string): Promise<TokenRecord | undefined> {
    if (!/^[0-9a-f]{12}$/.test(id)) return undefined;
    const raw = await this.store.get(tokenKey(id));
    if (raw === null) return undefined;
    const parsed = tokenRecord.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }
}
