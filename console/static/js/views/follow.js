import { ApiProblem } from '../api.js';

/**
 * @param {number} ms
 * @param {AbortSignal} signal
 */
function pause(ms, signal) {
  return new Promise((resolve) => {
    const t = window.setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        window.clearTimeout(t);
        resolve(undefined);
      },
      { once: true },
    );
  });
}

/**
 * Keep a board up to date until its search ends: follow the event stream, then read the stored state (the
 * authority once the stream is over). A dropped stream is re-opened a few times; the node replays every
 * peer that already answered, so nothing is missed.
 * @param {import('../api.js').Api} api
 * @param {import('./board.js').Board} board
 * @param {AbortSignal} signal
 */
export async function followBoard(api, board, signal) {
  for (let attempt = 0; attempt < 4; attempt++) {
    if (signal.aborted) return;
    try {
      await api.followSearch(
        board.id,
        (event, data) => {
          if (event === 'peer') board.apply(data);
          else if (event === 'done') board.finish(data);
        },
        signal,
      );
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof ApiProblem && err.status !== 0) {
        board.problem(`Live updates are not available: ${err.title} (${err.code}).`);
        return;
      }
    }
    try {
      board.reconcile(await api.getSearch(board.id, signal));
      if (!board.running) return;
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof ApiProblem && err.status !== 0) {
        board.problem(`The search could not be read: ${err.title} (${err.code}).`);
        return;
      }
    }
    await pause(1000 * (attempt + 1), signal);
  }
  if (board.running) {
    board.problem(
      'Live updates were interrupted. The search may still be running; open it again to refresh.',
    );
  }
}
