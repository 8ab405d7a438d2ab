import { z } from 'zod';
import { isLanguage, LANGUAGES } from '../src/catalog/schema.js';
import { NO, YES } from '../src/language/keywords.js';
import { fold } from '../src/language/text.js';
import { DialogIds } from './ids.js';
import { languageOptions } from './languageDialog.js';
import { MENU_OPEN, type MenuOpen } from './menuDialog.js';
import { go, replace, retry, stay, StepDialog, type Step } from './StepDialog.js';

interface Values {
  /** True when the first message's language was not recognised. */
  askLanguage: boolean;
  /** What the first message asked for ("CITA"), opened once the privacy question is answered. */
  then?: MenuOpen;
}

export interface StartOptions {
  askLanguage?: boolean;
  then?: MenuOpen;
}

/** What shows the privacy notice again (the short re-ask names the first word in each language). */
const PRIVACY_WORDS = new Set(['privacidad', 'privacy', 'vi prive', 'aviso', 'notice', 'avi']);

const startOptions = z.object({ askLanguage: z.boolean().optional(), then: z.enum(MENU_OPEN).optional() });

/**
 * The first conversation: the language (only when the first message did not show it), then the
 * privacy notice, which the worker accepts before anything is kept beyond the conversation.
 */
export class StartDialog extends StepDialog<Values> {
  protected override firstStep(values: Values): string {
    return values.askLanguage ? 'language' : 'consent';
  }
  protected override initialValues(options: unknown): Values {
    const o = startOptions.safeParse(options ?? {});
    return { askLanguage: o.success && o.data.askLanguage === true, ...(o.success && o.data.then ? { then: o.data.then } : {}) };
  }

  protected readonly steps: Record<string, Step<Values>> = {
    // Trilingual: which language? Each line in its own language.
    language: {
      ask: ({ ruta }) => ({
        kind: 'menu',
        text: LANGUAGES.map((l) => ruta.i18n(l)('start.pickLanguage')).join('\n'),
        options: languageOptions((l) => ruta.i18n(l)(`language.name.${l}`)),
      }),
      answer: ({ ruta }, { choice }) => {
        if (!isLanguage(choice)) return retry;
        ruta.setLanguage(choice);
        return go('consent');
      },
    },
    // Privacy notice: what is kept, how long, the erase word. Accept or not.
    consent: {
      ask: ({ ruta }) => ({
        kind: 'menu',
        text: ruta.t('consent.notice', { days: ruta.retentionDays, ai: ruta.profiler.usesModel ? `${ruta.t('consent.ai')} ` : '' }),
        // A reply not understood gets the short question, not the whole notice again (SMS is paid by the segment).
        reask: ruta.t('consent.reask'),
        // Free text is read too: the word that shows the notice again.
        acceptsText: true,
        options: [
          { id: 'accept', label: ruta.t('consent.accept'), synonyms: YES },
          { id: 'decline', label: ruta.t('consent.decline'), synonyms: NO },
        ],
      }),
      answer: async ({ ruta, say, values }, { choice: whole, partialChoice, text }) => {
        if (!whole && PRIVACY_WORDS.has(fold(text))) return stay;
        const choice = whole ?? partialChoice;
        if (choice === 'accept') {
          ruta.session.consent = 'accepted';
          ruta.track({ kind: 'privacy_accepted' });
          await say(ruta.t('consent.thanks'));
        } else if (choice === 'decline') {
          ruta.session.consent = 'declined';
          ruta.track({ kind: 'privacy_declined' });
          await say(ruta.t('consent.declined', { hours: ruta.unconsentedHours }));
        } else return retry;
        return replace(DialogIds.menu, values.then ? { open: values.then } : undefined);
      },
    },
  };

  constructor() {
    super(DialogIds.start);
  }
}
