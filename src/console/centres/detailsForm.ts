import { centreFields, displayText, type Centre } from '../../booking/centre.js';

/** The details form as typed. `assesses`: 'all', 'some' (then `occupations`) or 'unknown'. */
export interface DetailsForm {
  name: string;
  city: string;
  address: string;
  phone: string;
  assesses: string;
  occupations: string[];
}

export type DetailsErrorKey =
  | 'centres.errors.nameMissing'
  | 'centres.errors.nameInvalid'
  | 'centres.errors.cityMissing'
  | 'centres.errors.cityInvalid'
  | 'centres.errors.addressInvalid'
  | 'centres.errors.addressNeeded'
  | 'centres.errors.phoneInvalid'
  | 'centres.errors.assessesMissing'
  | 'centres.errors.occupationsMissing'
  | 'centres.errors.occupationUnknown'
  | 'centres.errors.assessesNeeded';

export interface DetailsError {
  field: string;
  key: DetailsErrorKey;
}

export type CentreDetails = Pick<Centre, 'name' | 'city' | 'address' | 'phone' | 'assesses'>;

/** The form filled in from the centre. */
export function detailsFormOf(c: Centre): DetailsForm {
  return {
    name: c.name,
    city: c.city,
    address: c.address ?? '',
    phone: c.phone ?? '',
    assesses: Array.isArray(c.assesses) ? 'some' : c.assesses,
    occupations: Array.isArray(c.assesses) ? c.assesses : [],
  };
}

const phone = centreFields.shape.phone;

/**
 * The details a filled-in form asks for, or every problem with it. An empty address or phone means
 * "not known" (null). A centre that offers instant booking keeps its address and what it assesses
 * (onboarding needs them): to clear one, stop instant booking first.
 *
 * @example parseDetails(form, centre, new Set(['mason'])) // { ok: true, details: { name: '…', address: null, assesses: ['mason'], … } }
 */
export function parseDetails(form: DetailsForm, centre: Centre, occupations: ReadonlySet<string>): { ok: true; details: CentreDetails } | { ok: false; errors: DetailsError[] } {
  const errors: DetailsError[] = [];
  const name = displayText(80).safeParse(form.name);
  if (form.name.trim() === '') errors.push({ field: 'name', key: 'centres.errors.nameMissing' });
  else if (!name.success) errors.push({ field: 'name', key: 'centres.errors.nameInvalid' });
  const city = displayText(80).safeParse(form.city);
  if (form.city.trim() === '') errors.push({ field: 'city', key: 'centres.errors.cityMissing' });
  else if (!city.success) errors.push({ field: 'city', key: 'centres.errors.cityInvalid' });
  const address = form.address.trim() === '' ? { success: true as const, data: null } : displayText(200).safeParse(form.address);
  if (!address.success) errors.push({ field: 'address', key: 'centres.errors.addressInvalid' });
  else if (address.data === null && centre.onboarded && !centre.sample) errors.push({ field: 'address', key: 'centres.errors.addressNeeded' });
  const phoneParsed = form.phone.trim() === '' ? { success: true as const, data: null } : phone.safeParse(form.phone);
  if (!phoneParsed.success) errors.push({ field: 'phone', key: 'centres.errors.phoneInvalid' });

  let assesses: Centre['assesses'] | undefined;
  if (form.assesses === 'all' || form.assesses === 'unknown') assesses = form.assesses;
  else if (form.assesses === 'some') {
    const chosen = [...new Set(form.occupations)];
    if (chosen.length === 0) errors.push({ field: 'occupations', key: 'centres.errors.occupationsMissing' });
    else if (chosen.some((o) => !occupations.has(o))) errors.push({ field: 'occupations', key: 'centres.errors.occupationUnknown' });
    else assesses = chosen.sort();
  } else errors.push({ field: 'assesses', key: 'centres.errors.assessesMissing' });
  if (assesses === 'unknown' && centre.onboarded) errors.push({ field: 'assesses', key: 'centres.errors.assessesNeeded' });

  if (errors.length > 0 || !name.success || !city.success || !address.success || !phoneParsed.success || assesses === undefined) return { ok: false, errors };
  return { ok: true, details: { name: name.data, city: city.data, address: address.data, phone: phoneParsed.data, assesses } };
}
