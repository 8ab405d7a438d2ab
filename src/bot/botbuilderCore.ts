/**
 * botbuilder-core, loaded in the part a Twilio turn uses.
 *
 * The package's index loads every class it has: with them botframework-connector, Azure's
 * identity and HTTP pipeline, MSAL, axios and jsonwebtoken, which only the Bot Framework channel
 * needs (it loads them on its first request). Measured on this machine: `require('botbuilder-core')`
 * 424 ms in a fresh process, the schema and the files a turn uses about 45 ms (issue 13: start-up).
 *
 * botbuilder-dialogs' files `require('botbuilder-core')` (the index) for a few names, and so does
 * the package's own turnContext.js (`require('.')`). So the index's place in Node's require cache
 * (which the documentation allows adding to) is taken, before anything requires it, by a
 * stand-in: a name is looked up in the schema and in the package's light files (none of them
 * requires the connector); any other name — or listing the names, as `botbuilder`'s index does —
 * loads the real index, and from then on the stand-in answers with it. The classes are the
 * package's own either way (the light files are the same modules the index loads), so nothing
 * can tell the difference except the time it took. A test checks that a turn does not load the
 * connector, and that every name of the index is still reachable through the stand-in.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const indexPath = require.resolve('botbuilder-core');
const lib = dirname(indexPath);

/**
 * botbuilder's packages depend on zod 3 while Ruta's own zod is 4 (node_modules/zod), so npm gives
 * each of them a copy of its own, and a Twilio turn loaded three: botbuilder-core's,
 * botbuilder-dialogs' and botframework-schema's, the same version, about 10 ms and 2–3 MB of RSS
 * each (measured on this machine). Where a package's copy is the same version as
 * botbuilder-core's, its entry point's place in the require cache is given botbuilder-core's
 * module, so they use one zod. A copy of another version is left alone. Only the packages a turn
 * loads: an entry in the cache reads as a package loaded (botbuilder's and the connector's copies
 * load with the Bot Framework channel, on its first request). A test checks which copies load.
 */
const ZOD_SHARING_PACKAGES = ['botframework-schema', 'botbuilder-dialogs'];

function shareZod(): void {
  const zodOf = (from: string): string | undefined => {
    try {
      return createRequire(from).resolve('zod');
    } catch {
      return undefined;
    }
  };
  const versionOf = (entry: string): unknown => (JSON.parse(readFileSync(join(dirname(entry), 'package.json'), 'utf8')) as { version?: unknown }).version;
  const shared = zodOf(indexPath);
  if (!shared || require.cache[shared]) return;
  const version = versionOf(shared);
  const copies = ZOD_SHARING_PACKAGES.map((name) => {
    try {
      return zodOf(require.resolve(name));
    } catch {
      return undefined; // not installed
    }
  }).filter((entry): entry is string => entry !== undefined && entry !== shared && !require.cache[entry] && versionOf(entry) === version);
  if (copies.length === 0) return;
  require(shared);
  for (const entry of copies) require.cache[entry] = require.cache[shared];
}
shareZod();

/**
 * The package's files that require neither botframework-connector nor botbuilder-stdlib (Azure's
 * HTTP pipeline), directly or through another: what dialogs and the Twilio adapter use is here.
 */
const LIGHT_FILES = [
  'activityHandlerBase',
  'botAdapter',
  'botComponent',
  'botStatePropertyAccessor',
  'botStateSet',
  'botTelemetryClient',
  'cardFactory',
  'componentRegistration',
  'intentScore',
  'internal',
  'invokeException',
  'invokeResponse',
  'memoryStorage',
  'messageFactory',
  'middlewareSet',
  'propertyManager',
  'recognizerResult',
  'registerClassMiddleware',
  'signInConstants',
  'skills/constants',
  'stringUtils',
  'turnContext',
  'turnContextStateCollection',
];

let full: Record<string | symbol, unknown> | undefined;
let light: Record<string | symbol, unknown> | undefined;

/** Loads the real index (once) and puts it in the cache in the stand-in's place. */
function loadFull(): Record<string | symbol, unknown> {
  if (full) return full;
  const standIn = require.cache[indexPath];
  delete require.cache[indexPath];
  try {
    full = require(indexPath) as Record<string | symbol, unknown>;
  } catch (err) {
    if (standIn) require.cache[indexPath] = standIn;
    throw err;
  }
  return full;
}

function loadLight(): Record<string | symbol, unknown> {
  if (light) return light;
  // The schema first: the index re-exports it whole, and its own files' names win over it.
  const found: Record<string | symbol, unknown> = { ...(require('botframework-schema') as object) };
  light = found;
  for (const file of LIGHT_FILES) Object.assign(found, require(join(lib, `${file}.js`)));
  return found;
}

function lookup(name: string | symbol): unknown {
  if (full) return full[name];
  if (name === '__esModule') return true;
  const found = loadLight();
  return name in found ? found[name] : loadFull()[name];
}

/** True once something needed more than the light files (then the whole index is loaded). */
export function botbuilderCoreFullyLoaded(): boolean {
  return full !== undefined;
}

if (!require.cache[indexPath]) {
  const standIn = new Proxy({} as Record<string | symbol, unknown>, {
    get: (_target, name) => lookup(name),
    has: (_target, name) => (full ? name in full : name in loadLight() || name in loadFull()),
    ownKeys: () => Reflect.ownKeys(loadFull()),
    getOwnPropertyDescriptor: (_target, name) => {
      const descriptor = Object.getOwnPropertyDescriptor(loadFull(), name);
      // The proxy's target is empty and extensible: every property it reports must be configurable.
      return descriptor && { ...descriptor, configurable: true };
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
  const module = new (require('node:module') as typeof import('node:module'))(indexPath);
  module.filename = indexPath;
  module.loaded = true;
  module.exports = standIn;
  require.cache[indexPath] = module;
}

/** What the Twilio adapter and the dialogs take from botbuilder-core, without its index. */
type Core = typeof import('botbuilder-core');
export const ActivityTypes: Core['ActivityTypes'] = (require('botframework-schema') as Core).ActivityTypes;
export const BotAdapter: Core['BotAdapter'] = (require(join(lib, 'botAdapter.js')) as Core).BotAdapter;
export type BotAdapter = import('botbuilder-core').BotAdapter;
export const TurnContext: Core['TurnContext'] = (require(join(lib, 'turnContext.js')) as Core).TurnContext;
export type TurnContext = import('botbuilder-core').TurnContext;
/** Where an invoke's response is kept in a turn's state (read when a turn is answered with its replies, ExpectReplies). */
export const INVOKE_RESPONSE_KEY: Core['INVOKE_RESPONSE_KEY'] = (require(join(lib, 'activityHandlerBase.js')) as Core).INVOKE_RESPONSE_KEY;
export const DeliveryModes: Core['DeliveryModes'] = (require('botframework-schema') as Core).DeliveryModes;
/** The map a dialog context keeps its services in (DialogContext's constructor makes one; so does NativeDialogContext.forTurn). */
export const TurnContextStateCollection: Core['TurnContextStateCollection'] = (require(join(lib, 'turnContextStateCollection.js')) as Core).TurnContextStateCollection;
export type { Activity, ConversationReference, ResourceResponse, SendActivitiesHandler } from 'botbuilder-core';
