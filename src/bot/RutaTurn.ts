import type { TurnContext } from 'botbuilder';
import type { Catalog } from '../catalog/Catalog.js';
import type { Language } from '../catalog/schema.js';
import type { Translate } from '../i18n.js';
import type { Session } from './session.js';
import type { WorkProfiler } from '../match/WorkProfiler.js';
import type { WorkerProfile } from '../prescreen/ProfileStore.js';
import type { BookingService } from '../booking/BookingService.js';
import type { Gazetteer } from '../geo/Gazetteer.js';
import type { Tracked } from '../analytics/event.js';

/** What booking dialogs use: the booking rules and store, and the offline gazetteer. */
export interface BookingDeps {
  service: BookingService;
  gazetteer: Gazetteer;
}

/** What a turn knows about the message beyond its text (set by the channel adapter). */
export interface InboundExtras {
  /** Country suggested by the sender's phone number (never nationality). */
  countryHint?: string;
  /** Twilio's Advanced Opt-Out verdict: Twilio already replied, so Ruta must not. */
  optOutType?: 'STOP' | 'START' | 'HELP';
  /** SMS: Twilio's standard opt-out keywords are answered by Twilio itself. */
  channelKind: 'sms' | 'whatsapp' | 'chat';
  hasMedia: boolean;
  location?: { latitude: number; longitude: number };
  /** Where replies go, for a booking: the sender's address, sealed on demand (never plain), and Ruta's number they wrote to. */
  contact?: { seal(): string; via: string };
  /**
   * The sender is the console's simulator (a number no person can have: src/channels/simulatedNumber.ts):
   * a test conversation, kept out of every analytics aggregate; nothing is ever sent to it outside the conversation.
   */
  simulated?: boolean;
}

/**
 * Per-turn services the dialogs read from `context.turnState`: the worker's language and
 * translation function, the session, the catalog and the erase action.
 */
export interface RutaTurn {
  pid: string;
  language: Language;
  t: Translate;
  /** The translation function of another language (the trilingual language menu). */
  i18n(language: Language): Translate;
  /** How long a consenting worker's conversation is kept after the last message, in days. */
  retentionDays: number;
  /** How long a conversation is kept without consent, in hours. */
  unconsentedHours: number;
  session: Session;
  catalog: Catalog;
  extras: InboundExtras;
  /** Switches the language for the rest of the turn (and the session). */
  setLanguage(language: Language): void;
  /** Stable id of the last question asked this turn (e.g. 'route.trade'), for analytics. */
  askedStep?: string;
  /** Set when the reply was not understood: re-asked once, or still not understood (help offered). */
  misunderstood?: 'reasked' | 'not_understood';
  /**
   * Reports a milestone for analytics (recorded with the turn, anonymously, never failing it).
   * @example ruta.track({ kind: 'privacy_accepted' })
   */
  track(milestone: Tracked): void;
  /** Deletes everything stored about this sender and stops this turn from saving anything. */
  eraseEverything(): Promise<void>;
  /** Reads descriptions of work (the model, if configured, only with consent: use readWork). */
  profiler: WorkProfiler;
  /** A worker's own description of their work, read by the model only if they accepted the privacy notice. */
  readWork(text: string): ReturnType<WorkProfiler['profile']>;
  /** This worker's saved pre-screen profile (kept as long as the conversation; erased with it). */
  profile: {
    load(): Promise<WorkerProfile | undefined>;
    save(profile: WorkerProfile): Promise<void>;
  };
  /** The current time (tests freeze it). */
  now(): Date;
  booking: BookingDeps;
}

export const RUTA_TURN = Symbol('ruta.turn');
export const RUTA_PID = Symbol('ruta.pid');
export const RUTA_EXTRAS = Symbol('ruta.extras');
/**
 * The turn's replies as SMS sends them ({ texts, rendered }), rendered once by RutaBot, which
 * counts their segments for analytics: the channel sends these instead of rendering them again.
 */
export const RUTA_RENDERED = Symbol('ruta.rendered');
/**
 * Where a channel that logs one line per turn of its own (the Twilio webhook's `turn_done`) takes
 * the turn's step and language from: RutaBot fills the object the channel put here instead of
 * logging a line of its own (`turn`, which the Bot Framework channel's turns still get).
 */
export const RUTA_OUTCOME = Symbol('ruta.outcome');
export interface TurnOutcome {
  step?: string;
  language?: string;
}

export function rutaTurn(context: TurnContext): RutaTurn {
  const turn: RutaTurn | undefined = context.turnState.get(RUTA_TURN);
  if (!turn) throw new Error('RutaTurn missing: dialogs must run inside RutaBot');
  return turn;
}
