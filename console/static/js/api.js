/**
 * The console's only way to the node: the documented `/api/v1` endpoints, same origin, bearer token.
 * Errors arrive as RFC 9457 problem documents; the console shows their stable `code`, never guesses from text.
 */
import { createSseParser } from './sse.js';

/**
 * @typedef {{ path: string, message: string }} Issue
 * @typedef {{ type?: string, title: string, status: number, code: string, issues?: Issue[], traceId?: string }} Problem
 * @typedef {{ name: string, role: string, pseudonym: string }} Me
 */

/** A failed API call, carrying the problem document the node sent (or one built for a network failure). */
export class ApiProblem extends Error {
  /** @param {Problem} problem */
  constructor(problem) {
    super(problem.title);
    this.name = 'ApiProblem';
    this.status = problem.status;
    this.code = problem.code;
    /** @type {Issue[]} */
    this.issues = Array.isArray(problem.issues) ? problem.issues : [];
    this.traceId = problem.traceId;
  }
}

/**
 * Read a problem document defensively: a proxy in front of the node may answer with anything.
 * @param {number} status
 * @param {unknown} body
 * @returns {Problem}
 */
function toProblem(status, body) {
  if (body && typeof body === 'object' && 'code' in body && typeof body.code === 'string') {
    const p = /** @type {Record<string, unknown>} */ (body);
    /** @type {Problem} */
    const problem = {
      title: typeof p['title'] === 'string' ? p['title'] : `HTTP ${status}`,
      status,
      code: String(p['code']),
    };
    if (Array.isArray(p['issues'])) {
      problem.issues = p['issues']
        .filter((i) => i && typeof i.path === 'string' && typeof i.message === 'string')
        .map((i) => ({ path: i.path, message: i.message }));
    }
    if (typeof p['traceId'] === 'string') problem.traceId = p['traceId'];
    return problem;
  }
  return {
    title: `The node answered HTTP ${status} without a problem document.`,
    status,
    code: 'HTTP_' + status,
  };
}

const NETWORK_PROBLEM = {
  title: 'The node could not be reached. Check the connection and try again.',
  status: 0,
  code: 'CONSOLE_NETWORK',
};

/**
 * @param {{ token: () => string | null, onUnauthorized: (problem: ApiProblem) => void }} options
 */
export function createApi(options) {
  /** @param {Record<string, string>} extra */
  function headers(extra) {
    return { authorization: `Bearer ${options.token() ?? ''}`, ...extra };
  }

  /**
   * @param {Response} res
   */
  async function failure(res) {
    const text = await res.text().catch(() => '');
    let body;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const problem = new ApiProblem(toProblem(res.status, body));
    if (res.status === 401) options.onUnauthorized(problem);
    return problem;
  }

  /**
   * @param {string} input
   * @param {RequestInit} init
   */
  async function send(input, init) {
    try {
      return await fetch(input, {
        ...init,
        cache: 'no-store',
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiProblem(NETWORK_PROBLEM);
    }
  }

  /**
   * @param {'GET' | 'POST'} method
   * @param {string} path
   * @param {unknown} [body]
   * @param {AbortSignal} [signal]
   * @returns {Promise<unknown>}
   */
  async function request(method, path, body, signal) {
    /** @type {RequestInit} */
    const init = {
      method,
      headers: headers(
        body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      ),
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    if (signal) init.signal = signal;
    const res = await send(path, init);
    if (!res.ok) throw await failure(res);
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  }

  /** @param {Record<string, string | number | undefined>} params */
  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
    const text = q.toString();
    return text ? `?${text}` : '';
  }

  return {
    /** @returns {Promise<Me>} */
    me: async () => /** @type {Me} */ (await request('GET', '/api/v1/me')),
    /** @param {unknown} body */
    startSearch: (body) => request('POST', '/api/v1/searches', body),
    /** @param {string} id @param {AbortSignal} [signal] */
    getSearch: (id, signal) =>
      request('GET', `/api/v1/searches/${encodeURIComponent(id)}`, undefined, signal),
    /** Step 2: ask a hit's owner for the full record. @param {unknown} body */
    requestDisclosure: (body) => request('POST', '/api/v1/disclosures', body),
    /** A request, refreshed from the owner while it is queued. @param {string} id @param {AbortSignal} [signal] */
    getDisclosure: (id, signal) =>
      request('GET', `/api/v1/disclosures/${encodeURIComponent(id)}`, undefined, signal),
    /** @param {string} caseRef @param {AbortSignal} [signal] */
    listDisclosures: (caseRef, signal) =>
      request('GET', `/api/v1/disclosures${query({ caseRef })}`, undefined, signal),
    /** Peers' requests to this node (disclosure officer). @param {string} status @param {AbortSignal} [signal] */
    inbox: (status, signal) =>
      request('GET', `/api/v1/disclosures/inbox${query({ status })}`, undefined, signal),
    /** Approve only while `releaseDigest` names what approval releases. @param {string} id @param {string} note @param {string} [releaseDigest] */
    approve: (id, note, releaseDigest) =>
      request('POST', `/api/v1/disclosures/inbox/${encodeURIComponent(id)}/approve`, {
        ...(note ? { note } : {}),
        ...(releaseDigest ? { releaseDigest } : {}),
      }),
    /** @param {string} id @param {string} reason */
    refuse: (id, reason) =>
      request('POST', `/api/v1/disclosures/inbox/${encodeURIComponent(id)}/refuse`, { reason }),
    /** Ledger entries, filtered, one keyset page. @param {Record<string, string | number | undefined>} filter @param {AbortSignal} [signal] */
    auditEvents: (filter, signal) =>
      request('GET', `/api/v1/audit/events${query(filter)}`, undefined, signal),
    /** One entry and its inclusion proof. @param {number} index @param {AbortSignal} [signal] */
    auditEvent: (index, signal) =>
      request('GET', `/api/v1/audit/events/${encodeURIComponent(String(index))}`, undefined, signal),
    /** Re-hash the whole ledger on the node. */
    auditVerify: () => request('GET', '/api/v1/audit/verify'),
    /** An offline-verifiable bundle, as text. @param {Record<string, string | undefined>} range @returns {Promise<string>} */
    async auditExport(range) {
      // Kept as the exact bytes the node sent: the bundle is evidence, re-serialising it gains nothing.
      const res = await send(`/api/v1/audit/export${query(range)}`, {
        headers: headers({ accept: 'application/json' }),
      });
      if (!res.ok) throw await failure(res);
      return res.text();
    },
    /** A case's network (hits, identifiers, links, analysis). @param {string} caseRef @param {AbortSignal} [signal] */
    caseGraph: (caseRef, signal) =>
      request('GET', `/api/v1/cases/${encodeURIComponent(caseRef)}/graph`, undefined, signal),
    /** Shortest path between two nodes. @param {string} caseRef @param {Record<string, string>} params @param {AbortSignal} [signal] */
    casePath: (caseRef, params, signal) =>
      request(
        'GET',
        `/api/v1/cases/${encodeURIComponent(caseRef)}/graph/path${query(params)}`,
        undefined,
        signal,
      ),
    /** Confirm or reject a possibly-same link. @param {string} caseRef @param {string} edgeId @param {unknown} body */
    decideEdge: (caseRef, edgeId, body) =>
      request(
        'POST',
        `/api/v1/cases/${encodeURIComponent(caseRef)}/edges/${encodeURIComponent(edgeId)}/decision`,
        body,
      ),
    /** A new search on a graph entity (202, the search). @param {string} caseRef @param {unknown} body */
    pivot: (caseRef, body) => request('POST', `/api/v1/cases/${encodeURIComponent(caseRef)}/pivot`, body),
    /** Latest checkpoint, cosignatures, witnessed logs, split views. @param {AbortSignal} [signal] */
    auditCheckpoints: (signal) => request('GET', '/api/v1/audit/checkpoints', undefined, signal),
    /**
     * Follow a search's events until `done` or the end of the stream. Resolves when the stream ends.
     * @param {string} id
     * @param {(event: string, data: unknown) => void} onEvent
     * @param {AbortSignal} signal
     */
    async followSearch(id, onEvent, signal) {
      const res = await send(`/api/v1/searches/${encodeURIComponent(id)}/events`, {
        headers: headers({ accept: 'text/event-stream' }),
        signal,
      });
      if (!res.ok) throw await failure(res);
      if (!res.body) throw new ApiProblem(NETWORK_PROBLEM);
      const parser = createSseParser((m) => {
        let data;
        try {
          data = JSON.parse(m.data);
        } catch {
          return;
        }
        onEvent(m.event, data);
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.push(value);
        }
      } finally {
        parser.end();
        reader.releaseLock();
      }
    },
  };
}

/** @typedef {ReturnType<typeof createApi>} Api */
