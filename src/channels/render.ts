import { countSegments, type SegmentCount } from './segments.js';

/** How a reply travels: SMS (compact, GSM-7 where possible) or a rich chat channel. */
export type ChannelKind = 'sms' | 'whatsapp' | 'chat';

/** Twilio's maximum message body. */
export const MAX_BODY = 1600;

export interface RenderedMessage {
  body: string;
  /** Only for SMS: what the message costs. */
  segments?: SegmentCount;
}

/**
 * Turns the bot's messages of one turn (with *bold* markup) into what the channel sends.
 * SMS: markup removed, á í ó ú (and the capitals È Ò Ì Ù) folded so messages stay in GSM-7, the turn's messages joined
 * into as few texts as fit in 1,600 characters. WhatsApp/chat: markup kept, one message each.
 *
 * @example renderForChannel(['*Menú*', '1. Rutas'], 'sms') // [{ body: 'Menu\n\n1. Rutas', segments: {...} }]
 */
export function renderForChannel(messages: readonly string[], channel: ChannelKind): RenderedMessage[] {
  const nonEmpty = messages.map((m) => m.trim()).filter((m) => m !== '');
  if (channel !== 'sms') return nonEmpty.flatMap((m) => splitLong(m)).map((body) => ({ body }));
  const texts = nonEmpty.map(toSmsText).flatMap((m) => splitLong(m));
  const joined: string[] = [];
  for (const text of texts) {
    const last = joined.length - 1;
    if (last >= 0 && joined[last]!.length + 2 + text.length <= MAX_BODY) joined[last] = `${joined[last]}\n\n${text}`;
    else joined.push(text);
  }
  return joined.map((body) => ({ body, segments: countSegments(body) }));
}

const SMS_FOLD: Record<string, string> = {
  á: 'a', í: 'i', ó: 'o', ú: 'u', Á: 'A', Í: 'I', Ó: 'O', Ú: 'U', ç: 'c',
  // GSM-7 has è ò ì ù and É but not their other capitals (Creole "ÈD", "KÒMANSE").
  È: 'E', Ò: 'O', Ì: 'I', Ù: 'U', Ê: 'E', ê: 'e', â: 'a', ô: 'o', î: 'i', û: 'u',
  '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2013': '-', '\u2014': '-', '\u2026': '...',
  '\u00a0': ' ', '•': '-', '·': '-', '«': '"', '»': '"',
};

/** SMS form of one message: no WhatsApp markup; accents outside GSM-7 folded (never on WhatsApp). */
export function toSmsText(message: string): string {
  return message
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(/_([^_\n]+)_/g, '$1')
    .replace(/[áíóúÁÍÓÚçÈÒÌÙÊêâôîû\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0•·«»]/g, (ch) => SMS_FOLD[ch] ?? ch);
}

/** Splits a text longer than Twilio's limit at line, then word boundaries. */
export function splitLong(text: string, max = MAX_BODY): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== '') parts.push(rest);
  return parts;
}
