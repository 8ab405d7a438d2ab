import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { analyticsEventSchema, hourOf, type AnalyticsChannel, type AnalyticsEvent, type EventKind } from './event.js';

/*
 * How the analytics stream keeps events. Since 2026-12-05 an entry holds a batch: field 'z', the
 * events of one write (at most MAX_EVENTS_PER_ENTRY) packed one per line and deflated with a
 * preset dictionary. Entries written before that hold one event each ('q', 'p', 'c' or 'e') and
 * are still read.
 */

/** The fields every event has, in the order a packed event keeps them. */
type Packed = [hours: number | undefined, aid: string, country: string, language: string, channel: string, kind: string, step: string, segments: number, rest?: Record<string, unknown>];

/**
 * Each kind's code in the stream (field 'q'): one letter, fixed for good — an event is kept for
 * months, so a code is never reused or changed; a new kind gets a new letter (the type asks for one).
 */
export const KIND_CODES: Readonly<Record<EventKind, string>> = {
  understood: 'u',
  reasked: 'r',
  not_understood: 'n',
  command: 'c',
  first_contact: 'f',
  privacy_accepted: 'a',
  privacy_declined: 'd',
  route_explained: 'e',
  trade_unmatched: 't',
  prescreen_started: 's',
  prescreen_completed: 'p',
  booking_requested: 'b',
  booking_confirmed: 'k',
  booking_cancelled: 'x',
  booking_declined: 'y',
  centre_far: 'z',
  attended: 'h',
  no_show: 'o',
  outcome: 'q',
  opt_out: 'l',
  erase: 'v',
  throttled: 'm',
  delivery_failed: 'i',
};
const KIND_OF_CODE = new Map<string, string>(Object.entries(KIND_CODES).map(([kind, code]) => [code, kind]));

export const CHANNEL_CODES: Readonly<Record<AnalyticsChannel, string>> = { sms: 's', whatsapp: 'w', chat: 'c' };
const CHANNEL_OF_CODE = new Map<string, string>(Object.entries(CHANNEL_CODES).map(([channel, code]) => [code, channel]));

/** A 16-hex-digit aid (what newAid makes) as its 8 bytes in base64url: 11 characters, never mistaken for a hex aid (16 to 32). */
const SHORT_AID = /^[0-9a-f]{16}$/;
const packAid = (aid: string) => (SHORT_AID.test(aid) ? Buffer.from(aid, 'hex').toString('base64url') : aid);
const unpackAid = (packed: string) => (packed.length === 11 ? Buffer.from(packed, 'base64url').toString('hex') : packed);

/**
 * An event as the stream keeps it (field 'q'): the fields every event has, separated by '|' —
 * the hour as hours since 1970, left empty when it is the entry id's hour (the batch's; the
 * write script fills it in when the id is later, a clock set back), the aid in base64url, country,
 * language, the channel's and the kind's one-letter codes, step, segments (empty when absent) —
 * then the rest as JSON when there is any. None of them can hold a '|' (their schemas allow
 * letters, digits and `_.-` only, base64url adds `-_`). A pre-screened worker's 25 events are
 * most of what analytics keep of them for 90 days: a turn's event is about 36 bytes here, 58 in
 * the previous packing (field 'p', until 2026-12-05) and 250 as the whole JSON object.
 *
 * @example packEvent({ v: 1, hour: '2026-12-05T14:00:00Z', aid: 'a1b2c3d4e5f6a7b8', country: 'DO', language: 'es', channel: 'sms', kind: 'understood', step: 'route.trade', segments: 1 }, Date.parse('2026-12-05T14:00:00Z')) === '|obLD1OX2p7g|DO|es|s|u|route.trade|1'
 */
export function packEvent(e: AnalyticsEvent, entryHourMs: number): string {
  const { v: _v, hour, aid, country, language, channel, kind, step, segments, ...rest } = e;
  const hourMs = Date.parse(hour);
  const head = `${hourMs === entryHourMs ? '' : hourMs / 3600_000}|${aid === undefined ? '' : packAid(aid)}|${country}|${language}|${CHANNEL_CODES[channel]}|${KIND_CODES[kind]}|${step ?? ''}|${segments ?? ''}`;
  return Object.keys(rest).length > 0 ? `${head}|${JSON.stringify(rest)}` : head;
}

/** The fields of a packed event ('q' or 'p'), or undefined when it has too few. */
function splitPacked(packed: string): Packed | undefined {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < 8; i++) {
    const bar = packed.indexOf('|', from);
    if (bar < 0) {
      if (i < 7) return undefined;
      parts.push(packed.slice(from));
      from = packed.length + 1;
      break;
    }
    parts.push(packed.slice(from, bar));
    from = bar + 1;
  }
  const [hours, aid, country, language, channel, kind, step, segments] = parts as [string, string, string, string, string, string, string, string];
  const rest = from <= packed.length ? (JSON.parse(packed.slice(from)) as Record<string, unknown>) : undefined;
  return [hours === '' ? undefined : Number(hours), aid, country, language, channel, kind, step, segments === '' ? -1 : Number(segments), rest];
}

/**
 * The deflate dictionary of batch entries, version 1: typical lines of packed events without their
 * aid, the commonest last (closest to the data, so the cheapest to refer to). Fixed for good: an
 * entry made with it is read for ANALYTICS_EVENT_RETENTION_DAYS, so a change is a new version
 * (a new first byte), never an edit — a test holds its SHA-256.
 */
export const STREAM_DICTIONARY_V1: Buffer = Buffer.from(
  [
  '{"test":true}', 'i||{"errorCode":30003}', '{"errorCode":30008}', '{"waited":"gt30d"}', '{"waited":"14_30d"}', '{"waited":"7_14d"}',
  '{"waited":"1_7d"}', '{"waited":"1h_1d"}', '{"waited":"lt1h"}', '{"detail":"not_yet_competent"}', '{"detail":"referred_to_training"}', '{"detail":"competent"}',
  '{"detail":"institution"}', '{"detail":"worker"}', '{"band":"notYet"}', '{"band":"gaps"}', '{"band":"ready"}', '{"trade":"mason","unknownFacts":["infotep.cost","infotep.validity"]}',
  '{"trade":"electrician","unknownFacts":[]}', '|PA|en|w|', '|PA|en|s|', '|PA|ht|w|', '|PA|ht|s|', '|PA|es|w|',
  '|PA|es|s|', '|SV|en|w|', '|SV|en|s|', '|SV|ht|w|', '|SV|ht|s|', '|SV|es|w|',
  '|SV|es|s|', '|NI|en|w|', '|NI|en|s|', '|NI|ht|w|', '|NI|ht|s|', '|NI|es|w|',
  '|NI|es|s|', '|HN|en|w|', '|HN|en|s|', '|HN|ht|w|', '|HN|ht|s|', '|HN|es|w|',
  '|HN|es|s|', '|GT|en|w|', '|GT|en|s|', '|GT|ht|w|', '|GT|ht|s|', '|GT|es|w|',
  '|GT|es|s|', '|MX|en|w|', '|MX|en|s|', '|MX|ht|w|', '|MX|ht|s|', '|MX|es|w|',
  '|MX|es|s|', '|CR|en|w|', '|CR|en|s|', '|CR|ht|w|', '|CR|ht|s|', '|CR|es|w|',
  '|CR|es|s|', '|XX|en|w|', '|XX|en|s|', '|XX|ht|w|', '|XX|ht|s|', '|XX|es|w|',
  '|XX|es|s|', '|DO|en|w|', '|DO|en|s|', '|DO|ht|w|', '|DO|ht|s|', '|DO|es|w|',
  '|DO|es|s|', '|m|||', '|f|||', '|a|||', '|s|||', '|p|||',
  '|b|||', '|k|||', '|c|menu.main|1', 'r|none|1', 'r|appointment.cancel|1', 'r|appointment.preferences|1',
  'r|appointment.change|1', 'r|appointment.manage|1', 'r|appointment.which|1', 'r|appointment.none|1', 'r|booking.confirmRequest|1', 'r|booking.confirm|1',
  'r|booking.name|1', 'r|booking.preferences|1', 'r|booking.day|1', 'r|booking.slot|1', 'r|booking.centre|1', 'r|booking.region|1',
  'r|booking.placeChoice|1', 'r|booking.where|1', 'r|booking.confirmTrade|1', 'r|booking.sectorOccupation|1', 'r|booking.trade|1', 'r|booking.countryList|1',
  'r|booking.country|1', 'r|prescreen.next|1', 'r|prescreen.evidence|1', 'r|prescreen.learned|1', 'r|prescreen.yearsConfirm|1', 'r|prescreen.years|1',
  'r|prescreen.confirm|1', 'r|prescreen.sectorOccupation|1', 'r|prescreen.describe|1', 'r|prescreen.saved|1', 'r|prescreen.countryList|1', 'r|prescreen.country|1',
  'r|erase.confirm|1', 'r|language.choose|1', 'r|route.next|1', 'r|route.direct|1', 'r|route.renecNext|1', 'r|route.renecConfirm|1',
  'r|route.tradeConfirm|1', 'r|route.occupation|1', 'r|route.unlisted|1', 'r|route.typeTrade|1', 'r|route.trade|1', 'r|route.countryList|1',
  'r|route.country|1', 'r|menu.main|1', 'r|start.consent|1', 'r|start.language|1', 'u|prescreen.s11|1', 'u|prescreen.s10|1',
  'u|prescreen.s9|1', 'u|prescreen.s8|1', 'u|prescreen.s7|1', 'u|prescreen.s6|1', 'u|prescreen.s5|1', 'u|prescreen.s4|1',
  'u|prescreen.s3|1', 'u|prescreen.s2|1', 'u|prescreen.s1|1', 'u|prescreen.s0|1', 'u|none|1', 'u|appointment.cancel|1',
  'u|appointment.preferences|1', 'u|appointment.change|1', 'u|appointment.manage|1', 'u|appointment.which|1', 'u|appointment.none|1', 'u|booking.confirmRequest|1',
  'u|booking.confirm|1', 'u|booking.name|1', 'u|booking.preferences|1', 'u|booking.day|1', 'u|booking.slot|1', 'u|booking.centre|1',
  'u|booking.region|1', 'u|booking.placeChoice|1', 'u|booking.where|1', 'u|booking.confirmTrade|1', 'u|booking.sectorOccupation|1', 'u|booking.trade|1',
  'u|booking.countryList|1', 'u|booking.country|1', 'u|prescreen.next|1', 'u|prescreen.evidence|1', 'u|prescreen.learned|1', 'u|prescreen.yearsConfirm|1',
  'u|prescreen.years|1', 'u|prescreen.confirm|1', 'u|prescreen.sectorOccupation|1', 'u|prescreen.describe|1', 'u|prescreen.saved|1', 'u|prescreen.countryList|1',
  'u|prescreen.country|1', 'u|erase.confirm|1', 'u|language.choose|1', 'u|route.next|1', 'u|route.direct|1', 'u|route.renecNext|1',
  'u|route.renecConfirm|1', 'u|route.tradeConfirm|1', 'u|route.occupation|1', 'u|route.unlisted|1', 'u|route.typeTrade|1', 'u|route.trade|1',
  'u|route.countryList|1', 'u|route.country|1', 'u|menu.main|1', 'u|start.consent|1', 'u|start.language|1',
  ].join('\n') + '\n',
);

/** Events in one stream entry, at most: a page of the export decodes entries whole. */
export const MAX_EVENTS_PER_ENTRY = 128;

const BATCH_V1 = 1;

/**
 * Events of one write as stream entries (field 'z'): per entry, the version byte, then deflated
 * with the dictionary: the hour (hours since 1970) on the first line, then one packed event a line,
 * each left without its hour when it is that one. The hour travels with the entry, so an entry
 * whose id is a later hour (a clock set back) needs no rewriting. A turn's event is about 36 bytes
 * packed; deflated beside the others of its write, about 12 to 20 (the aid, random, is most of it).
 *
 * @example packEntries([event], Date.parse('2026-12-05T14:00:00Z')) // [<Buffer 01 …>]
 */
export function packEntries(events: ReadonlyArray<AnalyticsEvent | string>, hourMs: number): Buffer[] {
  const entries: Buffer[] = [];
  for (let from = 0; from < events.length; from += MAX_EVENTS_PER_ENTRY) {
    const lines = [String(hourMs / 3600_000)];
    // An event, or one already packed for this hour (RedisAnalyticsStore packs each as it is written).
    for (const e of events.slice(from, from + MAX_EVENTS_PER_ENTRY)) lines.push(typeof e === 'string' ? e : packEvent(e, hourMs));
    const deflated = deflateRawSync(lines.join('\n'), { dictionary: STREAM_DICTIONARY_V1, level: 9 });
    entries.push(Buffer.concat([Buffer.of(BATCH_V1), deflated]));
  }
  return entries;
}

/** A batch entry's text (the hour, then a packed event a line), or undefined when it is not one this version reads. */
export function batchText(blob: Buffer): string | undefined {
  if (blob[0] !== BATCH_V1) return undefined;
  try {
    return inflateRawSync(blob.subarray(1), { dictionary: STREAM_DICTIONARY_V1 }).toString('utf8');
  } catch {
    return undefined;
  }
}

/** A packed event's fields as an event, or undefined. `hours`: the hour when the packing left it out. */
function eventOf(packed: Packed, coded: boolean, entryHours: number | undefined): unknown {
  let [hours, aid, country, language, channel, kind, step, segments, rest] = packed;
  if (coded) {
    if (hours === undefined) hours = entryHours;
    aid = unpackAid(aid);
    channel = CHANNEL_OF_CODE.get(channel) ?? '';
    kind = KIND_OF_CODE.get(kind) ?? '';
  }
  if (hours === undefined || !Number.isInteger(hours)) return undefined;
  return {
    v: 1,
    hour: hourOf(new Date(hours * 3600_000)),
    ...(aid ? { aid } : {}),
    country,
    language,
    channel,
    kind,
    ...(step ? { step } : {}),
    ...(segments >= 0 ? { segments } : {}),
    ...(rest ?? {}),
  };
}

function valid(candidate: unknown): AnalyticsEvent[] {
  const parsed = analyticsEventSchema.safeParse(candidate);
  return parsed.success ? [parsed.data] : [];
}

/** A line of a packed event back into its event; nothing when it does not parse. */
function unpackLine(line: string, coded: boolean, entryHours: number | undefined): AnalyticsEvent[] {
  try {
    const packed = splitPacked(line);
    return packed ? valid(eventOf(packed, coded, entryHours)) : [];
  } catch {
    return [];
  }
}

/**
 * A stream entry back into its events, in the order they were written: 'z' (a batch, above), 'q'
 * (one packed event), 'p' (the same with the hour always there and names in full, until
 * 2026-12-05), 'c' (a JSON array, before that) or 'e' (the whole JSON, the first version); an event
 * that does not parse is left out. `id` is the entry's id (`<hour ms>-<n>`); field values as Redis
 * gave them (a batch must be read as bytes: xrangeBuffer).
 */
export function unpackEntry(id: string, fields: ReadonlyArray<string | Buffer>): AnalyticsEvent[] {
  const read = (name: string) => {
    for (let i = 0; i + 1 < fields.length; i += 2) if (String(fields[i]) === name) return fields[i + 1];
    return undefined;
  };
  const text = (name: string) => {
    const value = read(name);
    return value === undefined ? undefined : String(value);
  };
  const batch = read('z');
  if (batch !== undefined) {
    const body = batchText(Buffer.isBuffer(batch) ? batch : Buffer.from(batch, 'latin1'));
    if (body === undefined) return [];
    const [hours, ...lines] = body.split('\n');
    const entryHours = Number(hours);
    if (!Number.isInteger(entryHours)) return [];
    return lines.flatMap((line) => unpackLine(line, true, entryHours));
  }
  const coded = text('q');
  if (coded !== undefined) return unpackLine(coded, true, Number.parseInt(id, 10) / 3600_000);
  const pipe = text('p');
  if (pipe !== undefined) return unpackLine(pipe, false, undefined);
  try {
    const array = text('c');
    if (array !== undefined) return valid(eventOf(JSON.parse(array) as Packed, false, undefined));
    const whole = text('e');
    if (whole !== undefined) return valid(JSON.parse(whole));
  } catch {
    return [];
  }
  return [];
}
