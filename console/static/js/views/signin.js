import { ApiProblem } from '../api.js';
import { h, nextId } from '../dom.js';
import { isWellFormedToken } from '../session.js';
import { field } from './form.js';
import { problemPanel } from './problem.js';

/**
 * Sign-in with a token issued by this node (`mosaic user add`). The token is checked with `GET /api/v1/me`
 * before it is kept.
 * @param {{ notice?: string, onToken: (token: string) => Promise<void> }} o
 */
export function signInView(o) {
  const headingId = nextId('signin');
  const token = /** @type {HTMLInputElement} */ (
    h('input', {
      type: 'password',
      class: 'input mono',
      autocomplete: 'off',
      spellcheck: 'false',
      autocapitalize: 'none',
    })
  );
  const tokenField = field({
    name: 'token',
    label: 'Access token',
    hint: 'Issued by your node administrator. Kept for this tab only; gone when you sign out or close it.',
    required: true,
    control: token,
  });
  const problem = h('div', { class: 'server-problem' });
  const button = h('button', { type: 'submit', class: 'button button--primary button--block' }, 'Sign in');
  let busy = false;

  /** @param {Event} ev */
  async function submit(ev) {
    ev.preventDefault();
    if (busy) return;
    problem.replaceChildren();
    tokenField.setError(null);
    const value = token.value.trim();
    if (value === '') {
      tokenField.setError('Enter your access token');
      token.focus();
      return;
    }
    if (!isWellFormedToken(value)) {
      tokenField.setError('This is not a token: letters, digits and - . _ ~ + / only');
      token.focus();
      return;
    }
    busy = true;
    button.setAttribute('aria-disabled', 'true');
    button.textContent = 'Signing in…';
    try {
      await o.onToken(value);
    } catch (err) {
      const panel = problemPanel(
        err instanceof ApiProblem && err.status === 401 ? 'This token was not accepted' : 'Sign-in failed',
        err,
      );
      problem.replaceChildren(panel);
      token.select();
      token.focus();
    } finally {
      busy = false;
      button.removeAttribute('aria-disabled');
      button.textContent = 'Sign in';
    }
  }

  const element = h(
    'main',
    { id: 'main', class: 'signin', tabindex: '-1' },
    h(
      'div',
      { class: 'signin__card' },
      h(
        'div',
        { class: 'brand brand--large' },
        h('span', { class: 'brand__mark', 'aria-hidden': 'true' }),
        h('span', { class: 'brand__name' }, 'Mosaic'),
      ),
      h('h1', { id: headingId, class: 'signin__title' }, 'Sign in to this node'),
      h(
        'p',
        { class: 'signin__lede' },
        'Federated intelligence exchange. Every search you run is signed in your pseudonym and recorded in both agencies’ ledgers.',
      ),
      o.notice ? h('p', { class: 'notice', role: 'status' }, o.notice) : null,
      problem,
      h(
        'form',
        { class: 'signin__form', novalidate: true, 'aria-labelledby': headingId, onsubmit: submit },
        tokenField.element,
        button,
      ),
      h(
        'p',
        { class: 'signin__foot' },
        'Served by ',
        h('span', { class: 'mono' }, location.host),
        '. No request leaves this node.',
      ),
    ),
  );
  return { element, focus: () => token.focus() };
}
