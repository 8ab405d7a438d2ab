import { consoleT, type ConsoleT } from '../../src/console/consoleI18n.js';
import { createI18n } from '../../src/i18n.js';

/** The console's translate functions in Spanish and English, as the pages get them. */
export async function consoleTranslators(): Promise<{ es: ConsoleT; en: ConsoleT }> {
  const i18n = await createI18n();
  return { es: consoleT(i18n, 'es'), en: consoleT(i18n, 'en') };
}
