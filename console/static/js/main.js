/**
 * The Mosaic console: sign-in, then a shell whose navigation depends on the signed-in role. A client of the
 * node's documented API like any other; no endpoint exists for the console alone.
 */
import { createApi } from './api.js';
import { announce, h, replace } from './dom.js';
import { clearToken, readToken, storeToken } from './session.js';
import { signInView } from './views/signin.js';
import { viewsFor } from './views/registry.js';

const ROLE_LABEL = {
  analyst: 'Analyst',
  'disclosure-officer': 'Disclosure officer',
  auditor: 'Auditor',
  admin: 'Administrator',
};

const app = /** @type {HTMLElement} */ (document.getElementById('app'));

/** Aborted on sign-out: stops every stream and request of the session. */
let session = new AbortController();
/** True once the shell is shown; a 401 before that belongs to the sign-in form, which reports it itself. */
let signedIn = false;

const api = createApi({
  token: readToken,
  onUnauthorized: () => {
    // The token was revoked or the node restarted with new users: start over, say why.
    if (signedIn) signOut('Your session has ended: the node no longer accepts this token. Sign in again.');
  },
});

/** Mark the console ready for the load-time measurement and for tests. @param {string} state */
function ready(state) {
  app.removeAttribute('aria-busy');
  document.documentElement.dataset['ready'] = state;
  performance.mark(`mosaic-ready-${state}`);
}

/** @param {string} [notice] */
function showSignIn(notice) {
  signedIn = false;
  document.title = 'Sign in · Mosaic';
  const view = signInView({
    ...(notice ? { notice } : {}),
    onToken: async (token) => {
      storeToken(token);
      try {
        const me = await api.me();
        showShell(me);
        announce(`Signed in as ${me.name}, ${roleLabel(me.role)}.`);
      } catch (err) {
        clearToken();
        throw err;
      }
    },
  });
  replace(app, view.element);
  view.focus();
  ready('signin');
}

/** @param {string} role */
function roleLabel(role) {
  return Object.hasOwn(ROLE_LABEL, role) ? ROLE_LABEL[/** @type {keyof typeof ROLE_LABEL} */ (role)] : role;
}

/** @param {string} [notice] */
function signOut(notice) {
  session.abort();
  session = new AbortController();
  clearToken();
  history.replaceState(null, '', location.pathname);
  showSignIn(notice);
  announce(notice ?? 'Signed out.');
}

/** @param {import('./api.js').Me} me */
function showShell(me) {
  signedIn = true;
  const views = viewsFor(me.role);
  /** @type {Map<string, import('./views/registry.js').View>} */
  const built = new Map();
  const ctx = { api, me, signal: session.signal };
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  /** @type {Map<string, HTMLAnchorElement>} */
  const links = new Map();

  const nav = h(
    'nav',
    { class: 'sidenav', 'aria-label': 'Console' },
    h('p', { class: 'sidenav__role' }, roleLabel(me.role)),
    h(
      'ul',
      { class: 'sidenav__list' },
      views.map((v) => {
        const a = /** @type {HTMLAnchorElement} */ (
          h(
            'a',
            { href: `#/${v.id}`, class: 'sidenav__link', 'data-view': v.id },
            v.label,
            v.soon ? h('span', { class: 'soon' }, 'soon') : null,
          )
        );
        links.set(v.id, a);
        return h('li', {}, a);
      }),
    ),
  );

  const header = h(
    'header',
    { class: 'topbar' },
    h(
      'div',
      { class: 'brand' },
      h('span', { class: 'brand__mark', 'aria-hidden': 'true' }),
      h('span', { class: 'brand__name' }, 'Mosaic'),
      h('span', { class: 'brand__node' }, 'node ', h('span', { class: 'mono' }, location.host)),
    ),
    h(
      'div',
      { class: 'whoami' },
      h('span', { class: 'whoami__name' }, me.name),
      h('span', { class: `role-badge role-badge--${me.role}`, 'data-role': me.role }, roleLabel(me.role)),
      h(
        'span',
        { class: 'whoami__pseudonym', title: 'The pseudonym peers see on your queries' },
        'as ',
        h('code', {}, me.pseudonym),
      ),
      h('button', { type: 'button', class: 'button button--quiet', onclick: () => signOut() }, 'Sign out'),
    ),
  );

  replace(app, header, h('div', { class: 'layout' }, nav, main));

  function route() {
    if (readToken() === null) return;
    // Only `#/view` is a route; any other fragment (an in-page link) leaves the view alone.
    if (location.hash !== '' && !location.hash.startsWith('#/') && main.firstChild !== null) return;
    // `#/view` or `#/view/argument` (the search view opens the board of `#/search/<id>`).
    const [wanted = '', ...rest] = location.hash.replace(/^#\//, '').split('/');
    const def = views.find((v) => v.id === wanted) ?? views[0];
    const arg = def?.id === wanted && rest.length > 0 ? decodeURIComponent(rest.join('/')) : undefined;
    if (!def) {
      replace(
        main,
        h(
          'div',
          { class: 'view' },
          h('h1', { class: 'view__title' }, 'No view for this role'),
          h('p', {}, `The role ${me.role} has no console view yet.`),
        ),
      );
      return;
    }
    let view = built.get(def.id);
    if (!view) {
      view = def.create(ctx);
      built.set(def.id, view);
    }
    const first = main.firstChild === null;
    replace(main, view.element);
    for (const [id, a] of links) {
      if (id === def.id) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    document.title = `${def.label} · Mosaic`;
    // Move focus to the new view's heading on navigation, not on first load (the user has not moved yet).
    if (!first) view.focus();
    view.shown?.(arg);
  }

  window.onhashchange = route;
  route();
  ready(me.role);
}

async function boot() {
  if (readToken() === null) {
    showSignIn();
    return;
  }
  try {
    showShell(await api.me());
  } catch (err) {
    clearToken();
    showSignIn(
      err && typeof err === 'object' && 'status' in err && err.status === 401
        ? 'Your session has ended. Sign in again.'
        : 'The node could not be reached. Sign in again when it is back.',
    );
  }
}

// The skip link moves focus without touching the URL (the fragment is the router's).
document.querySelector('.skip-link')?.addEventListener('click', (ev) => {
  ev.preventDefault();
  document.getElementById('main')?.focus();
});

boot();
