import { PassThrough } from 'node:stream';
import { Accounts, type CentreScope, type CountryScope, type Role } from '../../src/console/accounts/Accounts.js';
import { runCli } from '../../src/tools/rutaCli.js';
import { REDIS_ENV } from './redis.js';
import type { TestApp } from './testApp.js';

/** A response as a test reads it. */
export interface ConsoleResponse {
  status: number;
  headers: Headers;
  html: string;
  /** The Location header of a redirect. */
  location: string | null;
}

/**
 * A person's browser without a browser: fetch with a cookie jar, forms posted as
 * application/x-www-form-urlencoded with the CSRF token of the page they came from.
 *
 * @example const ana = new ConsoleClient(app.baseUrl); await ana.signIn('ana@infotep.gob.do', PASSWORD)
 */
export class ConsoleClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  async get(path: string): Promise<ConsoleResponse> {
    return this.request(path, { method: 'GET' });
  }

  /**
   * Posts a form. `csrfFrom`: the page whose token goes in `_csrf` (fetched first); `false` to send none.
   */
  async post(path: string, fields: Record<string, string | string[]>, csrfFrom: string | false = path): Promise<ConsoleResponse> {
    const body = new URLSearchParams();
    if (csrfFrom !== false) body.append('_csrf', csrfToken((await this.get(csrfFrom)).html));
    for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
    return this.request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  async signIn(email: string, password: string, next?: string): Promise<ConsoleResponse> {
    return this.post('/console/sign-in', { email, password, ...(next ? { next } : {}) });
  }

  async signOut(): Promise<ConsoleResponse> {
    return this.post('/console/sign-out', {}, '/console');
  }

  private async request(path: string, init: RequestInit): Promise<ConsoleResponse> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(this.baseUrl + path, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0\b/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(eq + 1).trim());
    }
    return { status: res.status, headers: res.headers, html: await res.text(), location: res.headers.get('location') };
  }
}

/** The CSRF token of a page's first form. */
export function csrfToken(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF token on the page');
  return token;
}

/** The text a person reads: tags removed, entities of the few kinds the pages use decoded, spaces collapsed. */
export function visibleText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

export const PASSWORD = 'una frase larga de prueba';

/** `ruta …` in-process, with `env` (and `now`, for `report`), as the tests run the real command: its exit code and output. */
export async function cliInProcess(args: string[], env: Record<string, string>, now?: () => Date): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await runCli(args, { stdin: new PassThrough(), stdout, stderr, env, ...(now ? { now } : {}) });
  return { code, out, err };
}

/** An invitation made as `ruta user invite` makes it (the real command, in-process), returning the link's path. */
export async function inviteByCli(app: TestApp, email: string, institution: string, role: Role, centres: string[] = [], countries?: string): Promise<string> {
  const args = ['user', 'invite', '--institution', institution, '--role', role, '--email', email, ...centres.flatMap((c) => ['--centre', c]), ...(countries ? ['--countries', countries] : [])];
  const { code, out, err } = await cliInProcess(args, { ...REDIS_ENV, REDIS_PREFIX: app.prefix, PUBLIC_URL: app.config.PUBLIC_URL });
  if (code !== 0) throw new Error(`ruta user invite failed: ${err}`);
  return new URL(out.trim()).pathname;
}

/** A signed-in person: invited (through the service, on the app's clock), joined with PASSWORD, signed in. */
export async function newPerson(
  app: TestApp,
  now: () => Date,
  who: { email: string; name: string; institution: string; role: Role; centres?: CentreScope; countries?: CountryScope },
): Promise<ConsoleClient> {
  const invited = await new Accounts(app.ruta.store, now).invite({ email: who.email, institution: who.institution, role: who.role, centres: who.centres ?? 'all', ...(who.countries ? { countries: who.countries } : {}), invitedBy: 'test' });
  if (!invited.ok) throw new Error(`invite refused: ${invited.reason}`);
  const client = new ConsoleClient(app.baseUrl);
  const joined = await client.post(`/console/invite/${invited.token}`, { name: who.name, password: PASSWORD, confirm: PASSWORD });
  if (joined.status !== 303) throw new Error(`joining failed with ${joined.status}`);
  return client;
}
