/**
 * botbuilder-dialogs' dialog machinery, without its prompts. The package's index also loads its
 * prompts and, behind them, the Microsoft Recognizers Text suite (5 MB of code and large regular
 * expression tables) that Ruta never uses — it reads numbers, yes/no and choices itself
 * (src/language/). Loading them cost about 300 ms and 38 MB of memory at every start (measured
 * with `require` on this machine). These paths are the package's own files; it declares no
 * exports map, and the type checker fails here first if a new version moves them.
 */
// First: botbuilder-dialogs' files require botbuilder-core's index, which this puts off.
import './botbuilderCore.js';
export { Dialog, DialogReason, DialogTurnStatus, type DialogEvent, type DialogTurnResult } from 'botbuilder-dialogs/lib/dialog.js';
export { DialogContext, type DialogState } from 'botbuilder-dialogs/lib/dialogContext.js';
export { DialogStateManager, type DialogStateManagerConfiguration } from 'botbuilder-dialogs/lib/memory/dialogStateManager.js';
export { DialogSet } from 'botbuilder-dialogs/lib/dialogSet.js';
