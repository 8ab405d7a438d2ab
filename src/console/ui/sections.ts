import type { Role } from '../accounts/Accounts.js';

/**
 * The console's sections, in the order of the navigation. Each is a page (or a group of pages under
 * its path). A section whose page is not built yet shows a placeholder (consoleRoutes registers one
 * after every real page, so a real route for the same path wins). To add a section, add it here,
 * its label in locales/{es,en}/console.json, and its routes in consoleRoutes' PAGES.
 *
 * @example { id: 'requests', path: '/console/requests', label: 'nav.requests', roles: ['admin', 'staff'] }
 */
export const SECTIONS = [
  { id: 'home', path: '/console', label: 'nav.home', roles: ['admin', 'staff', 'coordinator'] },
  { id: 'appointments', path: '/console/appointments', label: 'nav.appointments', roles: ['admin', 'staff'] },
  { id: 'requests', path: '/console/requests', label: 'nav.requests', roles: ['admin', 'staff'] },
  { id: 'centres', path: '/console/centres', label: 'nav.centres', roles: ['admin', 'staff'] },
  { id: 'facts', path: '/console/facts', label: 'nav.facts', roles: ['admin', 'staff'] },
  { id: 'export', path: '/console/export', label: 'nav.export', roles: ['admin', 'staff'] },
  { id: 'analytics', path: '/console/analytics', label: 'nav.analytics', roles: ['coordinator'] },
  { id: 'simulator', path: '/console/simulator', label: 'nav.simulator', roles: ['admin', 'staff', 'coordinator'] },
  { id: 'users', path: '/console/users', label: 'nav.users', roles: ['admin'] },
  { id: 'audit', path: '/console/audit', label: 'nav.audit', roles: ['admin'] },
] as const satisfies ReadonlyArray<{ id: string; path: string; label: string; roles: readonly Role[] }>;

export type Section = (typeof SECTIONS)[number];
export type SectionId = Section['id'];

/** The sections a person with this role may open. */
export function sectionsFor(role: Role): Section[] {
  return SECTIONS.filter((s) => (s.roles as readonly Role[]).includes(role));
}
