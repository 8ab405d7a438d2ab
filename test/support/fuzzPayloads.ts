import { fold } from '../../src/language/text.js';

/**
 * Seeded, deterministic Twilio inbound payloads for the fuzz test: simulated workers, each sending
 * a short sequence (3–8 messages) that often follows a real journey (consent, menu, trade, booking)
 * with fuzzed messages mixed in, so the fuzzer reaches deep dialog states. Fields follow Twilio's
 * documented inbound webhook (twilio.com/docs/messaging/guides/webhook-request).
 *
 * @example const plan = fuzzPlan(0x5eed, 1000); plan[0].messages[0].body
 */

/** mulberry32: a 32-bit seeded PRNG; same seed, same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A few conveniences over a PRNG. */
export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  hex(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += '0123456789abcdef'[this.int(0, 15)];
    return s;
  }
  digits(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += String(this.int(0, 9));
    return s;
  }
}

/** One inbound message: the Body and the other webhook fields (MessageSid, From and To are set by the sender). */
export interface FuzzMessage {
  messageSid: string;
  body: string;
  extra: Record<string, string>;
}

/** One simulated worker: an address, a channel and the messages they send in order. */
export interface FuzzWorker {
  index: number;
  /** E.164 number, without the whatsapp: prefix (the sender adds it). */
  from: string;
  to: string;
  channel: 'sms' | 'whatsapp';
  messages: FuzzMessage[];
}

/** Dialling prefixes of the catalog's countries (DO has +1809/+1829/+1849, MX mobiles on WhatsApp +521). */
export const CATALOG_PREFIXES = ['+1809', '+1829', '+1849', '+52', '+506', '+502', '+504', '+503', '+505', '+507', '+57', '+56', '+51', '+593', '+501'];
/** Prefixes of no catalog country (Haiti, UK, France, China, Nigeria, US, Spain, Venezuela, Ukraine). */
export const UNKNOWN_PREFIXES = ['+509', '+44', '+33', '+86', '+234', '+1212', '+34', '+58', '+380'];
/** Ruta's own numbers the workers write to. */
const RUTA_NUMBERS = ['+15005550006', '+18095550000', '+50640000000'];

/**
 * Bodies Twilio answers itself on SMS (Advanced Opt-Out's default keywords): Ruta stays silent on
 * them by design, so the fuzzer never sends them as a whole SMS body.
 */
const TWILIO_SMS_WORDS = new Set(['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'revoke', 'optout', 'start', 'unstop', 'yes', 'help', 'info']);
export function twilioAnswersItself(body: string, channel: 'sms' | 'whatsapp'): boolean {
  return channel === 'sms' && TWILIO_SMS_WORDS.has(fold(body));
}

const SPANISH = ['Hola', 'Hola, buenos días', 'Soy albañil desde 2015', 'Trabajé de cocinera en Panamá', '¿Dónde está el centro más cercano?', 'Quiero certificarme como electricista', 'mi niño está enfermo, ¿puedo cambiar la cita?', 'Señor, no entendí nada', 'pingüino, acción, corazón, ñame', 'soy soldador y plomero', 'cuido ancianos hace 5 años', '¿Cuánto cuesta?'];
const CREOLE = ['Bonjou', 'Mwen se bòs mason', 'Kijan m ka jwenn sètifika?', 'Mèsi anpil', 'M ap travay nan konstriksyon depi 10 an', 'Ki kote sant lan ye?', 'Mwen pa konprann', 'kizinyè'];
const ENGLISH = ['Hi', 'Hello there', 'I am a welder', 'where is the nearest centre', 'I worked as a nanny for 5 years', 'thanks!'];
/** Ruta's own words (menu, commands, yes/no in three languages) and opt-out words Twilio does not know. */
const COMMANDS = ['MENU', 'Menú', 'menu principal', 'CITA', 'cita', 'mis citas', 'BORRAR', 'borrar', 'AYUDA', 'ayuda', 'ATRAS', 'atrás', 'volver', 'IDIOMA', 'language', 'lanng', 'RANDEVOU', 'EFASE', 'si', 'sí', 'Sí', 'SI', 'no', 'ok', 'dale', 'wi', 'non', 'parar', 'baja', 'sispann', 'iniciar', 'alta', 'inicio', 'ede m'];
const NUMBERS = ['1', '1', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '0', '00', '01', ' 1 ', '1.', '1)', '1 2', '1,2', '1-3', 'uno', 'dos', 'tres', 'en', 'de', 'twa', 'kat', 'one', 'two', '-1', '1.5', '1e3', '999999999999999999999', '½', '١', '１', 'Ⅻ', '2020', 'desde 2019', 'hace 5 años', '3️⃣'];
const EMOJI = ['👍', '🙏🏽', '👷‍♂️', '👩🏿‍🔧', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇩🇴', '🇭🇹', '❤️', '🔥🔥🔥', '😀\u200d😀', '\u{1F9D1}\u{1F3FD}\u200D\u{1F373}', '\u{1FAE0}', '#️⃣'];
const COMBINING = ['e\u0301', 'n\u0303', 'Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358', 'a\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308', '\u0301', 'i\u0307', 'alban\u0303il'];
const RTL = ['مرحبا، أنا عامل بناء', 'שלום עולם', '\u202Eolleh\u202C', '\u200F1\u200F', 'سلام 123', '\u2067abc\u2069', '\u202B1\u202C'];
const CONTROL = ['\u0000', '\u0001', '\u0007', '\b', '\t', '\n', '\r', '\r\n', '\u000B', '\u000C', '\u001B[31m', '\u007F', '\u0085', '\u00A0', '\u2028', '\u2029', '\uFEFF', '\u200B', '\uFFFE', '\uFFFF', '\uFFFD', '\u{10FFFF}', '\uE000'];
const INJECTION = [
  "'; DROP TABLE workers; --", '" OR 1=1 --', "redis.call('FLUSHALL')", "return redis.call('KEYS','*')", 'EVAL "return 1" 0', 'KEYS *',
  '<script>alert(1)</script>', '<Message>hola</Message>', '</Message></Response><Response><Message>x', ']]>', '<![CDATA[x]]>', '<?xml version="1.0"?>',
  '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;', '&amp;&lt;&#0;&#x1;', '%00', '%0d%0a', '%F0%9F', '+', '&', '=', '{{km}}', '{{- centre}}', '$t(common.error)',
  '${process.env.TWILIO_AUTH_TOKEN}', '__proto__', 'constructor', '{"__proto__":{"x":1}}', 'https://example.com/a?b=c&d=e', 'http://169.254.169.254/latest/meta-data/',
  'javascript:alert(1)', 'file:///etc/passwd', '../../../../etc/passwd', '\\x00\\u0000', 'null', 'undefined', 'NaN', '[object Object]', 'Error: boom\n    at x (y.js:1:2)', '%s%s%s%n', "' or ''='", '\u0000MENU', 'whatsapp:+18095550100', '+18095550100',
];
const TOWNS = ['Santo Domingo', 'Santiago de los Caballeros', 'Higuey', 'San José', 'Heredia', 'Ciudad de Guatemala', 'Tegucigalpa', 'San Salvador', 'Managua', 'Panamá', 'Bogotá', 'Santiago', 'Lima', 'Quito', 'Belmopan', 'Monterrey', 'Xyzzyville', 'port-au-prince'];
/** Mostly text, with some of every script and symbol class; never a lone surrogate (form encoding cannot carry one). */
const CODE_POINT_RANGES: Array<[number, number]> = [
  [0x20, 0x7e], [0xa0, 0x24f], [0x300, 0x36f], [0x370, 0x3ff], [0x400, 0x4ff], [0x590, 0x6ff], [0x900, 0x97f], [0xe00, 0xe7f], [0x1200, 0x137f],
  [0x2000, 0x206f], [0x3040, 0x30ff], [0x4e00, 0x9fff], [0xac00, 0xd7a3], [0xe000, 0xf8ff], [0xfdd0, 0xfdef], [0xfe00, 0xfe0f], [0xfff0, 0xffff],
  [0x1f300, 0x1faff], [0x1d400, 0x1d7ff], [0xe0000, 0xe007f], [0x10fff0, 0x10ffff],
];

function randomChars(rng: Rng, count: number): string {
  let s = '';
  for (let i = 0; i < count; i++) {
    const [lo, hi] = rng.pick(CODE_POINT_RANGES);
    s += String.fromCodePoint(rng.int(lo, hi));
  }
  return s;
}

function fragment(rng: Rng): string {
  switch (rng.int(0, 11)) {
    case 0:
    case 1:
      return rng.pick(SPANISH);
    case 2:
      return rng.pick(CREOLE);
    case 3:
      return rng.pick(ENGLISH);
    case 4:
      return rng.pick(rng.chance(0.5) ? COMMANDS : NUMBERS);
    case 5:
      return rng.pick(EMOJI);
    case 6:
      return rng.pick(COMBINING);
    case 7:
      return rng.pick(RTL);
    case 8:
      return rng.pick(CONTROL);
    case 9:
      return rng.pick(INJECTION);
    case 10:
      // A very long word.
      return rng.pick(['a', 'albañil', 'x', '9', 'ñ', '👷', 'mason']).repeat(rng.int(20, 400));
    default:
      return randomChars(rng, rng.int(1, 30));
  }
}

/** Lengths that matter: empty, one character, Twilio's 1,600, the old 4,000 cut-off, the fuzzer's 6,000. */
function targetLength(rng: Rng): number {
  const r = rng.int(0, 99);
  if (r < 55) return rng.int(1, 40);
  if (r < 75) return rng.int(41, 300);
  if (r < 87) return rng.int(301, 1600);
  if (r < 93) return rng.int(1601, 4000);
  if (r < 97) return rng.int(4001, 6000);
  return rng.pick([1, 1599, 1600, 1601, 3999, 4000, 4001, 6000]);
}

/** The first `length` UTF-16 units, without leaving half an emoji at the end. */
function cut(s: string, length: number): string {
  const c = s.slice(0, length);
  return /[\uD800-\uDBFF]$/.test(c) ? c.slice(0, -1) : c;
}

/** A fuzzed Body: empty; a word, number or command; or a mix of scripts, symbols and injections of 1–6,000 characters. */
export function fuzzBody(rng: Rng): string {
  const r = rng.int(0, 99);
  if (r < 6) return '';
  if (r < 30) return rng.pick([...COMMANDS, ...NUMBERS, ...SPANISH, ...CREOLE, ...ENGLISH, ...TOWNS]);
  const length = targetLength(rng);
  let body = '';
  while (body.length < length) body += (body ? rng.pick([' ', '', '\n', ', ', ' ', '  ']) : '') + fragment(rng);
  return cut(body, length) || 'x';
}

/** Latitude/Longitude pairs: valid, empty, out of range, not numbers, one of the two missing. */
const LOCATIONS: Array<[string | undefined, string | undefined]> = [
  ['18.4861', '-69.9312'], ['9.9281', '-84.0907'], ['14.6349', '-90.5069'], ['-12.0464', '-77.0428'], ['19.4326', '-99.1332'],
  ['', ''], ['', '-69.9'], ['abc', '-69.9'], ['91', '0'], ['0', '181'], ['-90.0001', '10'], ['NaN', 'NaN'], ['1e3', '1e3'], [' 12.5 ', ' -70.1 '],
  ['-0', '-0'], ['0', '0'], ['Infinity', '-Infinity'], ['0x10', '0x20'], ['12,5', '-70,1'], ['١٨', '-٦٩'], ['18.4861', undefined], [undefined, '-69.9312'],
  ['9'.repeat(400), '1'], ['18.4861.2', '--69'], ['<Message>', ']]>'], ['\u0000', '%00'], ['true', 'null'], ['18.4861°', '69.93W'],
];
const MEDIA_TYPES = ['image/jpeg', 'image/png', 'audio/ogg', 'video/mp4', 'application/pdf', 'text/vcard', 'text/x-vcard', '', 'x/<y>'];

function fuzzExtra(rng: Rng, channel: 'sms' | 'whatsapp', from: string, locationLikely: boolean): Record<string, string> {
  const extra: Record<string, string> = {};
  if (rng.chance(locationLikely ? 0.6 : 0.1)) {
    const [lat, lon] = rng.pick(LOCATIONS);
    if (lat !== undefined) extra.Latitude = lat;
    if (lon !== undefined) extra.Longitude = lon;
    if (rng.chance(0.5)) extra.Address = rng.pick(['Calle El Conde 1, Santo Domingo', '', '<b>x</b>', 'Avenida 2, San José']);
    if (rng.chance(0.3)) extra.Label = rng.pick(['Home', 'Casa', '', '🏠']);
  }
  if (rng.chance(0.12)) {
    const n = rng.pick(['1', '1', '2', '10', '0', 'abc', '99', '-1', '1.5', '', ' 1']);
    extra.NumMedia = n;
    if (n !== '0' && rng.chance(0.85)) {
      extra.MediaContentType0 = rng.pick(MEDIA_TYPES);
      extra.MediaUrl0 = `https://api.twilio.com/2010-04-01/Accounts/AC${'0'.repeat(32)}/Messages/MM${rng.hex(32)}/Media/ME${rng.hex(32)}`;
    }
  }
  if (channel === 'whatsapp') {
    if (rng.chance(0.7)) extra.ProfileName = rng.pick(['María José', 'Jean-Baptiste', '👷 Pedro', '', 'محمد', 'x'.repeat(200), '<Message>', 'undefined', 'Ana\u0000']);
    if (rng.chance(0.7)) extra.WaId = rng.chance(0.9) ? from.replace(/^\+/, '') : rng.pick(['', 'abc', '+1', '0']);
    if (rng.chance(0.1)) {
      extra.ButtonPayload = rng.pick(['1', 'MENU', 'accept', '', '{"a":1}', 'x'.repeat(300)]);
      extra.ButtonText = rng.pick(['Sí', 'Acepto', '', '👍']);
    }
  }
  if (rng.chance(0.3)) extra.NumSegments = rng.pick(['1', '2', '4', '11', '0', 'abc', '', '-1']);
  if (rng.chance(0.3)) extra.MessagingServiceSid = `MG${rng.hex(32)}`;
  return extra;
}

/** Real journeys, so fuzzed messages land in deep states: the booking's "where are you?", the pre-screen's trade and years. */
const JOURNEYS: string[][] = [
  ['Hola', '1', '3', '1', '1', '1', 'TOWN', '1', '0', '1'],
  ['Bonjou', '1', '3', '1', '1', '1', 'Higuey', '3', 'Jean', '1'],
  ['Hi', '1', '3', '1', '1', '1', 'TOWN', '1', 'Maria', '1'],
  ['Hola', '1', '2', '1', 'soy albañil', '1', '10', '1', '1 2', '1', '1', '1'],
  ['Hola', '1', '1', '1', '1', '1', '2'],
  ['Hola', '2', '5', 'BORRAR', '1', 'Hola'],
  ['Hola', '1', 'CITA', '1', '2', '1', 'MENU'],
];
/** Index of the booking question "where are you?" in the booking journeys (a location share is likely there). */
const WHERE_STEP = 6;

/** The workers and messages of one fuzz run: `total` messages in all, the same for the same seed. */
export function fuzzPlan(seed: number, total: number): FuzzWorker[] {
  const workers: FuzzWorker[] = [];
  let planned = 0;
  for (let index = 0; planned < total; index++) {
    const worker = fuzzWorker(seed, index);
    worker.messages = worker.messages.slice(0, total - planned);
    planned += worker.messages.length;
    workers.push(worker);
  }
  return workers;
}

/** One worker, from its own stream (independent of how many workers come before or run at once). */
export function fuzzWorker(seed: number, index: number): FuzzWorker {
  const rng = new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const channel = rng.chance(0.5) ? 'whatsapp' : 'sms';
  let prefix = rng.chance(0.8) ? rng.pick(CATALOG_PREFIXES) : rng.pick(UNKNOWN_PREFIXES);
  if (prefix === '+52' && channel === 'whatsapp' && rng.chance(0.5)) prefix = '+521';
  // The index makes every worker's number its own; the prefix is one a real sender would have.
  const from = `${prefix}${String(index).padStart(7, '0')}`;
  const to = rng.pick(RUTA_NUMBERS);
  const journey = rng.chance(0.75) ? rng.pick(JOURNEYS) : undefined;
  // A journey runs longer and is fuzzed little before its sixth step, so that fuzzed messages reach
  // the deep steps (where are you?, which slot?, years, evidence); workers without one fuzz from the start.
  const length = journey ? rng.int(6, 8) : rng.int(3, 8);
  const town = rng.pick(TOWNS);
  const messages: FuzzMessage[] = [];
  for (let step = 0; messages.length < length; ) {
    const at = step;
    const scripted = journey?.[at];
    let body: string;
    if (scripted !== undefined && !rng.chance(at < 6 ? 0.08 : 0.4)) {
      body = scripted === 'TOWN' ? town : scripted;
      step++;
    } else {
      // A fuzzed message, instead of the journey's answer or before it (the question is asked again).
      body = fuzzBody(rng);
      if (rng.chance(0.5)) step++;
    }
    while (twilioAnswersItself(body, channel)) body = fuzzBody(rng);
    const extra = fuzzExtra(rng, channel, from, journey !== undefined && at === WHERE_STEP);
    const media = extra.NumMedia !== undefined && extra.NumMedia !== '0';
    messages.push({ messageSid: `${media ? 'MM' : 'SM'}${rng.hex(32)}`, body, extra });
  }
  return { index, from, to, channel, messages };
}
