import { z } from 'zod';
import type { Centre } from '../../booking/centre.js';
import { Select } from '../ui/form.js';
import type { PageContext } from '../ui/Layout.js';

/** The `?centre=` of a list's address: a centre id, or '' (all the person's centres). */
export const centreQuery = z.object({ centre: z.string().max(64).optional() });

/**
 * Choose a centre (or all of yours) for a list: a GET form, so it works without JavaScript and the
 * address can be kept. Shown only to people who see more than one centre.
 */
export function CentreFilter(props: { ctx: PageContext; action: string; centres: Centre[]; value: string }) {
  const { t } = props.ctx;
  if (props.centres.length < 2) return null;
  return (
    <form method="get" action={props.action} class="filter-form" aria-label={t('appointments.filterLabel')}>
      <Select
        name="centre"
        label={t('appointments.filterCentre')}
        value={props.value}
        options={[{ value: '', label: t('appointments.allCentres') }, ...props.centres.map((c) => ({ value: c.id, label: `${c.name}, ${c.city}` }))]}
      />
      <button type="submit" class="secondary">
        {t('appointments.filterSubmit')}
      </button>
    </form>
  );
}

/**
 * The centres a list covers: the one asked for (if the person may see it) or all they may see.
 * Undefined when the person asked for a centre they may not see (the page answers 404).
 */
export function chosenCentres(visible: Centre[], query: unknown): { centres: Centre[]; value: string } | undefined {
  const q = centreQuery.safeParse(query);
  const id = q.success ? (q.data.centre ?? '') : '';
  if (id === '') return { centres: visible, value: '' };
  const centre = visible.find((c) => c.id === id);
  return centre ? { centres: [centre], value: id } : undefined;
}
