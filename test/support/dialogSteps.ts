import { createDialogs } from '../../dialogs/index.js';
import { DialogIds } from '../../dialogs/ids.js';
import type { RouteFacts } from '../../dialogs/routeDialog.js';
import { StepDialog } from '../../dialogs/StepDialog.js';
import { Catalog } from '../../src/catalog/Catalog.js';

/** Every step id of every dialog (StepDialog.stepIds), as analytics record them — read from the dialogs, so a new step cannot be missed. */
export function stepIdsOfDialogs(): string[] {
  const dialogs = createDialogs(Catalog.load(), {} as RouteFacts);
  return Object.values(DialogIds).flatMap((id) => {
    const dialog = dialogs.find(id);
    return dialog instanceof StepDialog ? dialog.stepIds() : [];
  });
}
