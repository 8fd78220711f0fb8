/**
 * Words for a disclosure's status and its deadline, shared by the analyst's requests and the officer's inbox.
 * Every status is said in words; colour only reinforces it.
 */
import { h } from '../dom.js';

export const DISCLOSURE_STATUS = {
  queued: 'Waiting for the owner',
  approved: 'Approved',
  refused: 'Refused',
  withdrawn: 'Withdrawn by the owner',
  expired: 'Deleted (retention ended)',
};

/** Why an approved request was withdrawn (or ended) before its record was delivered, in words. */
const ENDED_BECAUSE = {
  RECORD_WITHHELD:
    'The owner’s policy now withholds this record (for example, it is now flagged as a victim’s).',
  RECORD_DELETED: 'The record no longer exists at the owner.',
  RELEASE_NARROWED: 'The owner’s policy now releases fewer fields than were approved.',
  NO_MATCHING_PERMISSION: 'No permission of the owner’s policy releases this record any more.',
  PROHIBITED: 'A prohibition in the owner’s policy now applies.',
  RECORD_NOT_RELEASABLE: 'The owner’s policy no longer releases full records for this request.',
  NO_POLICY: 'The owner has no policy in force.',
  DELIVERY_EXPIRED:
    'The delivery window ended (the hit reference or the retention ran out) before the record was fetched.',
};

/**
 * The explanation of a withdrawal reason, or '' for a code without one.
 * @param {unknown} code
 */
export function endedBecause(code) {
  return typeof code === 'string' && Object.hasOwn(ENDED_BECAUSE, code)
    ? ENDED_BECAUSE[/** @type {keyof typeof ENDED_BECAUSE} */ (code)]
    : '';
}

/** @param {string} status */
export function disclosureStatusChip(status) {
  const known = Object.hasOwn(DISCLOSURE_STATUS, status);
  return h(
    'span',
    { class: `chip chip--${known ? status : 'error'}`, 'data-disclosure-status': status },
    known ? DISCLOSURE_STATUS[/** @type {keyof typeof DISCLOSURE_STATUS} */ (status)] : status,
  );
}

/** @param {unknown} iso */
export function formatInstant(iso) {
  const d = typeof iso === 'string' ? new Date(iso) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleString('en-GB', { hour12: false, dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * "in 3 h 59 min" or "2 h 5 min ago", for a deadline.
 * @param {unknown} iso
 * @param {number} [now]
 */
export function relative(iso, now = Date.now()) {
  const t = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(t)) return '';
  const diff = t - now;
  const abs = Math.abs(diff);
  const days = Math.floor(abs / 86_400_000);
  const hours = Math.floor((abs % 86_400_000) / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const text =
    days > 0
      ? `${days} d ${hours} h`
      : hours > 0
        ? `${hours} h ${minutes} min`
        : `${Math.max(minutes, 1)} min`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

/**
 * A deadline as a <time>, with "Overdue" in words when it has passed and the request is still open.
 * @param {unknown} deadline
 * @param {boolean} overdue
 */
export function deadlineView(deadline, overdue) {
  return h(
    'span',
    { class: `deadline${overdue ? ' deadline--overdue' : ''}` },
    overdue ? h('span', { class: 'tag tag--overdue' }, 'Overdue') : null,
    overdue ? ' ' : null,
    h('time', { datetime: typeof deadline === 'string' ? deadline : '' }, formatInstant(deadline)),
    ' ',
    h('span', { class: 'deadline__rel' }, `(${relative(deadline)})`),
  );
}

/** @param {unknown} value */
export function display(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
