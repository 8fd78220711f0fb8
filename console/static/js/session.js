/**
 * The sign-in token lives in sessionStorage only: it is scoped to this tab, gone when the tab closes, never
 * written to localStorage, a cookie or the URL (where it would reach history, logs and referrers).
 */
const KEY = 'mosaic.token';

/** The node's token grammar (`Authorization: Bearer <b64token>`, RFC 6750 §2.1). */
const TOKEN = /^[A-Za-z0-9_.~+/-]+=*$/;

/** @param {string} token */
export function isWellFormedToken(token) {
  return token.length > 0 && token.length <= 8192 && TOKEN.test(token);
}

/** @returns {string | null} */
export function readToken() {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** @param {string} token */
export function storeToken(token) {
  sessionStorage.setItem(KEY, token);
}

/** Forget everything this tab kept: the token, the list of searches and the cases asked about. */
export function clearToken() {
  try {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(SEARCHES);
    sessionStorage.removeItem(CASES);
  } catch {
    // Storage disabled: nothing was stored either.
  }
}

const SEARCHES = 'mosaic.searches';
const MAX_SEARCHES = 20;

/**
 * Ids of the searches started in this tab, newest first, so a reload brings their boards back.
 * @returns {string[]}
 */
export function readSearchIds() {
  try {
    const list = JSON.parse(sessionStorage.getItem(SEARCHES) ?? '[]');
    return Array.isArray(list) ? list.filter((id) => typeof id === 'string').slice(0, MAX_SEARCHES) : [];
  } catch {
    return [];
  }
}

/** @param {string} id */
export function rememberSearchId(id) {
  const list = [id, ...readSearchIds().filter((x) => x !== id)].slice(0, MAX_SEARCHES);
  try {
    sessionStorage.setItem(SEARCHES, JSON.stringify(list));
  } catch {
    // Without storage a reload simply starts with an empty board.
  }
}

const CASES = 'mosaic.cases';

/**
 * Case references this tab asked disclosures for, newest first: the requests view opens on them.
 * @returns {string[]}
 */
export function readCaseRefs() {
  try {
    const list = JSON.parse(sessionStorage.getItem(CASES) ?? '[]');
    return Array.isArray(list) ? list.filter((c) => typeof c === 'string').slice(0, MAX_SEARCHES) : [];
  } catch {
    return [];
  }
}

/** @param {string} caseRef */
export function rememberCaseRef(caseRef) {
  const list = [caseRef, ...readCaseRefs().filter((x) => x !== caseRef)].slice(0, MAX_SEARCHES);
  try {
    sessionStorage.setItem(CASES, JSON.stringify(list));
  } catch {
    // Without storage the analyst types the case reference.
  }
}
