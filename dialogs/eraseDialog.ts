import { NO, YES } from '../src/language/keywords.js';
import { DialogIds } from './ids.js';
import { end, endAll, retry, StepDialog, type Step } from './StepDialog.js';

type Values = Record<string, never>;

/** The erase word (BORRAR / DELETE / EFASE): confirm, then delete everything about the sender. */
export class EraseDialog extends StepDialog<Values> {

  protected readonly steps: Record<string, Step<Values>> = {
    // Erase everything Ruta keeps about you? Yes / No
    confirm: {
      ask: ({ ruta }) => ({
        kind: 'menu',
        text: ruta.t('erase.confirm'),
        options: [
          { id: 'yes', label: ruta.t('erase.yes'), synonyms: [...YES, 'borrar', 'delete', 'efase'] },
          { id: 'no', label: ruta.t('erase.no'), synonyms: NO },
        ],
      }),
      answer: async ({ ruta, say }, { choice }) => {
        if (choice === 'yes') {
          await ruta.eraseEverything();
          await say(ruta.t('erase.done'));
          return endAll;
        }
        if (choice === 'no') {
          await say(ruta.t('erase.kept'));
          return end({ erased: false });
        }
        return retry;
      },
    },
  };

  constructor() {
    super(DialogIds.erase);
  }
}
