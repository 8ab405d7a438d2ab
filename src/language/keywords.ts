import { fold } from './text.js';

/**
 * Words that work anywhere in the conversation, in es/en/ht (folded, whole message only).
 * These are input vocabulary, not sentences shown to workers.
 */
export type Command = 'menu' | 'help' | 'back' | 'language' | 'erase' | 'optOut' | 'optIn' | 'appointment';

const COMMANDS: Record<Command, string[]> = {
  menu: ['menu', 'menu principal', 'main menu', 'meni', 'inicio', 'home', 'akey', 'lakay'],
  help: ['ayuda', 'help', 'ed', 'aide', 'socorro', 'info', 'informacion', 'ayudame', 'ede m', 'edem'],
  back: ['atras', 'volver', 'regresar', 'back', 'go back', 'retounen', 'dèyè', 'deye', 'tounen'],
  language: ['idioma', 'language', 'lang', 'lanng', 'lengua', 'langue', 'idiom', 'cambiar idioma', 'change language', 'chanje lang', 'chanje lanng'],
  erase: ['borrar', 'delete', 'efase', 'erase', 'borrar todo', 'delete all', 'efase tout', 'borrar mis datos', 'delete my data'],
  // Twilio's standard English opt-out words, and Spanish and Creole equivalents Twilio does not know.
  optOut: ['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'revoke', 'optout', 'parar', 'para', 'alto', 'detener', 'baja', 'darme de baja', 'sispann', 'kanpe'],
  appointment: ['cita', 'mi cita', 'citas', 'mis citas', 'ver cita', 'ver mi cita', 'appointment', 'my appointment', 'appointments', 'booking', 'my booking', 'randevou', 'randevou mwen', 'rendez vous', 'rdv'],
  optIn: ['start', 'unstop', 'yes', 'iniciar', 'comenzar', 'reanudar', 'alta', 'komanse', 'rekomanse', 'demare'],
};

/** Twilio answers these itself on SMS (standard opt-out handling), so Ruta must not answer again. */
export const TWILIO_SMS_KEYWORDS = new Set(['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'revoke', 'optout', 'start', 'unstop', 'yes']);

const BY_PHRASE = new Map<string, Command>();
for (const [command, phrases] of Object.entries(COMMANDS) as Array<[Command, string[]]>) for (const p of phrases) BY_PHRASE.set(fold(p), command);

/**
 * The command a whole message stands for, if any ("Menú", "AYUDA", "lanng", "STOP").
 * @example commandOf(' Menú ') === 'menu'
 */
export function commandOf(text: string): Command | undefined {
  return BY_PHRASE.get(fold(text));
}

/** Yes/no words in the three languages, as menu synonyms. */
export const YES = ['si', 'sí', 'yes', 'y', 'ok', 'okay', 'claro', 'dale', 'de acuerdo', 'acepto', 'wi', 'dakò', 'dako', 'oke', 'accept', 'agree', 'sure', 'yeah', 'yep', 'correcto', 'eso', 'exacto', 'se sa', 'oui', 'ouais', "d'accord"];
export const NO = ['no', 'nop', 'nope', 'non', 'n', 'no acepto', 'i do not accept', 'mwen pa dakò', 'pa dako', 'otro', 'another', 'lot'];
