/**
 * The TwiML of a webhook's answer: the replies as <Message> elements, nothing else Ruta uses.
 * Written directly rather than with twilio's builder (xmlbuilder), which took about 2 % of a
 * turn's CPU and 7 KB of its allocations under load (issue 13). The output is the builder's own,
 * byte for byte (test/unit/twiml.test.ts compares them on thousands of strings), except that a
 * character XML cannot carry (a control character, a lone surrogate, U+FFFE/U+FFFF) is left out,
 * where the builder throws and the worker would have had no answer at all.
 *
 * @example messagingTwiml(['Hola']) // '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Hola</Message></Response>'
 */
export function messagingTwiml(bodies: readonly string[]): string {
  if (bodies.length === 0) return `${DECLARATION}<Response/>`;
  let xml = `${DECLARATION}<Response>`;
  for (const body of bodies) {
    const text = xmlText(body);
    xml += text === '' ? '<Message/>' : `<Message>${text}</Message>`;
  }
  return `${xml}</Response>`;
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/**
 * What to escape as xmlbuilder escapes text (&, <, >, and a carriage return, which a parser would
 * turn into a newline), and what XML 1.0 cannot carry at all (outside its Char production), left out.
 */
const SPECIAL = /[&<>\r]|[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ESCAPED: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };

/** One pass; most replies hold nothing special and come back as they are. */
function xmlText(text: string): string {
  return text.replace(SPECIAL, (c) => ESCAPED[c] ?? '');
}
