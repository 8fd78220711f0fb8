import type { IncomingMessage, ServerResponse } from 'node:http';
import { MosaicError, type Problem, toProblem } from '../../contracts/index.js';

/** Small HTTP helpers shared by the peer listener's handlers. */

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Read a body up to `limit` bytes; refuses early on Content-Length and aborts the stream when exceeded. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limit) return Promise.reject(new MosaicError('MOSAIC_ERR_REQUEST_TOO_LARGE'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        reject(new MosaicError('MOSAIC_ERR_REQUEST_TOO_LARGE'));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (size > limit) return;
      const buf = Buffer.concat(chunks, size);
      const text = buf.toString('utf8');
      // A lossy decode means the bytes were not UTF-8; refuse rather than verify something else.
      if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(buf)) {
        reject(new MosaicError('MOSAIC_ERR_REQUEST_MALFORMED', { detail: 'body is not UTF-8' }));
        return;
      }
      resolve(text);
    });
    req.once('error', (err) => reject(new MosaicError('MOSAIC_ERR_REQUEST_MALFORMED', { cause: err })));
  });
}

export function sendJose(res: ServerResponse, status: number, token: string): void {
  res.writeHead(status, { 'content-type': 'application/jose', 'content-length': Buffer.byteLength(token) });
  res.end(token);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export function sendProblem(res: ServerResponse, err: unknown, traceId?: string): Problem {
  const problem = toProblem(err, traceId);
  if (res.headersSent) {
    res.destroy();
    return problem;
  }
  const text = JSON.stringify(problem);
  res.writeHead(problem.status, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
  return problem;
}
