import type { Request } from 'express';
import { z } from 'zod';

/**
 * A form's fields as strings: a field sent twice is read as its last value, a missing one as ''.
 * Pages parse the result with their own zod schema (which says what each field must be).
 *
 * @example const { email, password } = formFields(req, ['email', 'password'])
 */
export function formFields<K extends string>(req: Request, names: readonly K[]): Record<K, string> {
  const body: unknown = req.body;
  const record = z.record(z.string(), z.unknown()).safeParse(body);
  const out = {} as Record<K, string>;
  for (const name of names) {
    const raw = record.success ? record.data[name] : undefined;
    const last = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    out[name] = typeof last === 'string' ? last : '';
  }
  return out;
}

/** Every value of a repeated field (ticked checkboxes), strings only. */
export function formList(req: Request, name: string): string[] {
  const record = z.record(z.string(), z.unknown()).safeParse(req.body);
  const raw = record.success ? record.data[name] : undefined;
  return (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
}
