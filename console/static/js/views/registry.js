/**
 * Every view of the console, the roles that see it, and how it is built. A view whose API has not landed is
 * a placeholder; when its endpoints arrive (administration), its entry gets a `create` and the navigation does
 * not change.
 */
import { inboxView } from './inbox.js';
import { ledgerView } from './ledger.js';
import { linkChartView } from './linkchart.js';
import { lookupView } from './lookup.js';
import { placeholderView } from './placeholder.js';
import { requestsView } from './requests.js';
import { searchView } from './search.js';

/**
 * @typedef {{ api: import('../api.js').Api, me: import('../api.js').Me, signal: AbortSignal }} ViewContext
 * @typedef {{ element: HTMLElement, focus: () => void, shown?: (arg?: string) => void }} View
 * @typedef {{ id: string, label: string, roles: string[], soon?: boolean, create: (ctx: ViewContext) => View }} ViewDef
 */

/** @type {ViewDef[]} */
export const VIEWS = [
  { id: 'search', label: 'Search', roles: ['analyst'], create: searchView },
  { id: 'graph', label: 'Link chart', roles: ['analyst'], create: linkChartView },
  { id: 'requests', label: 'Disclosure requests', roles: ['analyst'], create: requestsView },
  { id: 'inbox', label: 'Inbox', roles: ['disclosure-officer'], create: inboxView },
  { id: 'ledger', label: 'Ledger', roles: ['auditor'], create: ledgerView },
  { id: 'lookup', label: 'Search lookup', roles: ['auditor'], create: lookupView },
  {
    id: 'admin',
    label: 'Administration',
    roles: ['admin'],
    soon: true,
    create: () =>
      placeholderView({
        title: 'Administration',
        lede: 'Users, sharing policies and the trust list.',
        waitsFor: 'the administration API; until then use the mosaic CLI (mosaic user add, mosaic status)',
        items: [
          'Local users and their roles',
          'Sharing policies in force and their digest',
          'Trust list version and peers’ health',
        ],
      }),
  },
];

/** @param {string} role */
export function viewsFor(role) {
  return VIEWS.filter((v) => v.roles.includes(role));
}
