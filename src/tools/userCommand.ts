import { createRedisClient } from '../store/redisClient.js';
import { z } from 'zod';
import { CentreDirectory, loadCentres } from '../booking/CentreDirectory.js';
import type { Catalog } from '../catalog/Catalog.js';
import { Accounts, accountSummary, emailSchema, ROLES, type CountryScope } from '../console/accounts/Accounts.js';
import { Audit } from '../console/Audit.js';
import { RedisStore } from '../store/RedisStore.js';
import { configOrReport, type CliIo } from './rutaCli.js';

/**
 * `ruta user invite|list|disable`: console accounts, in the service's Redis (like `ruta token`).
 * `invite` prints the one-time sign-in link on stdout (no mail server needed: send it yourself);
 * every change is in the institution's audit log, by 'cli'.
 *
 * @example ruta user invite --institution infotep --role admin --email ana@infotep.gob.do
 */
export async function userCommand(
  catalog: Catalog,
  args: string[],
  options: { institution?: string | undefined; role?: string | undefined; email?: string | undefined; centre?: string[] | undefined; countries: CountryScope },
  io: CliIo,
  usage: string,
): Promise<number> {
  const { stdout, stderr } = io;
  const [action] = args;
  const config = configOrReport(io);
  if (!config) return 2;
  if (!config.REDIS_URL) {
    stderr.write("Console accounts are kept in the service's Redis: set REDIS_URL (and REDIS_PREFIX if the service uses one).\n");
    return 2;
  }
  const institution = options.institution;
  if ((action === 'invite' || action === 'list') && (!institution || !catalog.institution(institution))) {
    stderr.write(`--institution must be one of: ${catalog.data.institutions.map((i) => i.id).join(' ')}\n`);
    return 2;
  }
  const email = emailSchema.safeParse(options.email ?? '');
  if ((action === 'invite' || action === 'disable') && !email.success) {
    stderr.write('--email must be an e-mail address\n');
    return 2;
  }
  const role = z.enum(ROLES).safeParse(options.role);
  if (action === 'invite' && !role.success) {
    stderr.write('--role must be admin, staff or coordinator\n');
    return 2;
  }
  if (action !== 'invite' && action !== 'list' && action !== 'disable') {
    stderr.write(usage);
    return 2;
  }

  const redis = createRedisClient(config.REDIS_URL, { cluster: config.REDIS_CLUSTER === 'on', maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    const store = new RedisStore(redis, config.REDIS_PREFIX);
    const now = () => new Date();
    const accounts = new Accounts(store, now);
    const audit = new Audit(store, now);
    if (action === 'list') {
      for (const u of await accounts.list(institution!)) stdout.write(`${JSON.stringify({ id: u.id, ...accountSummary(u), createdAt: u.createdAt })}\n`);
      return 0;
    }
    if (action === 'disable') {
      const user = await accounts.byEmail(email.data!);
      const changed = user && (await accounts.disable(user.id));
      if (!changed) {
        stderr.write('No account with that e-mail.\n');
        return 1;
      }
      await audit.record({ who: 'cli', institution: changed.after.institution, action: 'user.disable', target: changed.after.email, before: accountSummary(changed.before), after: accountSummary(changed.after) });
      stderr.write(`Disabled: ${changed.after.email} can no longer sign in.\n`);
      return 0;
    }
    const centres = options.centre ?? [];
    if (role.data === 'coordinator' && centres.length > 0) {
      stderr.write('A coordinator sees no centre: leave out --centre (use --countries DO,HT to limit their countries).\n');
      return 2;
    }
    if (centres.length > 0) {
      const directory = new CentreDirectory(catalog, store, loadCentres(catalog, { samples: config.NODE_ENV !== 'production' }));
      const own = new Set((await directory.ofInstitution(institution!)).map((c) => c.id));
      const unknown = centres.filter((c) => !own.has(c));
      if (unknown.length > 0) {
        stderr.write(`Not centres of ${institution}: ${unknown.join(' ')}. Known: ${[...own].join(' ') || '(none)'}\n`);
        return 2;
      }
    }
    const scope = centres.length > 0 ? centres : 'all';
    const countries: { countries: CountryScope } | Record<string, never> = role.data === 'coordinator' ? { countries: options.countries } : {};
    const invited = await accounts.invite({ email: email.data!, institution: institution!, role: role.data!, centres: scope, ...countries, invitedBy: 'cli' });
    if (!invited.ok) {
      stderr.write(invited.reason === 'already_active' ? 'That e-mail already has an active account.\n' : 'That e-mail has an account at another institution.\n');
      return 1;
    }
    await audit.record({ who: 'cli', institution: institution!, action: 'user.invite', target: email.data!, before: null, after: { role: role.data!, centres: scope, ...countries, expiresAt: invited.expiresAt } });
    stdout.write(`${config.PUBLIC_URL}/console/invite/${invited.token}\n`);
    stderr.write(`A one-time sign-in link for ${email.data} (${role.data} at ${institution}), valid until ${invited.expiresAt}. It is shown only now: send it to them.\n`);
    return 0;
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
