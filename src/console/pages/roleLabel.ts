import type { Role } from '../accounts/Accounts.js';

/** The console.json key naming a role ("Administración", "Personal", "Coordinación"). */
export function roleLabel(role: Role): `role.${Role}` {
  return `role.${role}`;
}
