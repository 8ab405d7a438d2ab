import { DialogSet } from '../src/bot/dialogMachinery.js';
import type { Catalog } from '../src/catalog/Catalog.js';
import { AppointmentDialog } from './appointmentDialog.js';
import { BookingDialog } from './bookingDialog.js';
import { EraseDialog } from './eraseDialog.js';
import { LanguageDialog } from './languageDialog.js';
import { MenuDialog } from './menuDialog.js';
import { PrescreenDialog } from './prescreenDialog.js';
import { RouteDialog, type RouteFacts } from './routeDialog.js';
import { StartDialog } from './startDialog.js';

/** Every dialog Ruta knows, registered once. To add a dialog: write it, give it an id in ids.ts, add it here. */
export function createDialogs(catalog: Catalog, facts: RouteFacts): DialogSet {
  return new DialogSet()
    .add(new StartDialog())
    .add(new MenuDialog(catalog, facts))
    .add(new LanguageDialog())
    .add(new EraseDialog())
    .add(new RouteDialog(catalog, facts))
    .add(new PrescreenDialog(catalog))
    .add(new BookingDialog(catalog, facts))
    .add(new AppointmentDialog(catalog, facts));
}
