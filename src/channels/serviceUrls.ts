import { isLoopbackHost, outboundUrlProblem } from '../net/addressPolicy.js';

/**
 * Hosts of the Bot Framework channels' service URLs (where replies are POSTed): Azure Bot
 * Service channels (webchat, directline, …), Teams, and the US Government clouds.
 */
export const BOT_FRAMEWORK_SERVICE_HOSTS = ['botframework.com', 'trafficmanager.net', 'botframework.us', 'botframework.azure.us', 'teams.microsoft.com'] as const;

/**
 * Why replies may not go to this service URL, or undefined when they may. Production: https and
 * a Bot Framework channel host (or one configured in BOT_SERVICE_URL_HOSTS), never an address
 * literal of this machine or a private network. Development also allows this machine (the
 * Emulator listens on localhost).
 *
 * @example serviceUrlProblem('http://127.0.0.1:9/', { production: true, extraHosts: [] }) // 'not an allowed host'
 */
export function serviceUrlProblem(serviceUrl: string, options: { production: boolean; extraHosts: readonly string[] }): string | undefined {
  const basic = outboundUrlProblem(serviceUrl, { allowPrivate: !options.production, requireHttps: options.production });
  if (basic) return basic;
  const host = new URL(serviceUrl).hostname.toLowerCase().replace(/\.$/, '');
  if (!options.production && isLoopbackHost(host)) return undefined;
  const allowed = [...BOT_FRAMEWORK_SERVICE_HOSTS, ...options.extraHosts];
  if (allowed.some((h) => host === h || host.endsWith(`.${h}`))) return undefined;
  return 'not an allowed host';
}
