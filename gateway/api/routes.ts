import type { Request, Response } from 'express';
import type { Role } from '../users/store.js';

/**
 * One API route: the express handler and its OpenAPI description come from the same object, so the published
 * document cannot drift from what the node serves (test/gateway/api/openapi.test.ts checks both ways).
 */
export interface RouteDef {
  readonly method: 'get' | 'post' | 'put' | 'delete';
  /** Express path under /api/v1, e.g. '/searches/:id'. */
  readonly path: string;
  readonly roles: readonly Role[];
  readonly summary: string;
  readonly operationId: string;
  /** JSON Schema of the request body, if any. */
  readonly body?: object;
  /** Query string parameters (name → schema). */
  readonly query?: Readonly<Record<string, object>>;
  /** Success status and a description of what is returned; `schema` where one exists. */
  readonly success: {
    readonly status: number;
    readonly description: string;
    readonly schema?: object;
    readonly contentType?: string;
  };
  readonly handler: (req: Request, res: Response) => void | Promise<void>;
}

export function defineRoute(route: RouteDef): RouteDef {
  if (!route.path.startsWith('/')) throw new TypeError(`route path must start with '/': ${route.path}`);
  if (route.roles.length === 0) throw new TypeError(`route ${route.operationId} admits no role`);
  return route;
}
