import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MosaicError } from '../../contracts/index.js';
import type { OidcVerifier } from '../users/oidc.js';
import type { Role, User, UserStore } from '../users/store.js';

declare module 'express-serve-static-core' {
  interface Request {
    user?: User;
  }
}

/** Resolve `Authorization: Bearer <token>` to a local user, or to an OIDC user where an IdP is configured. */
export function authenticate(users: UserStore, oidc?: OidcVerifier): RequestHandler {
  return function authenticateUser(req: Request, _res: Response, next: NextFunction) {
    const header = req.headers.authorization;
    if (!header) return next(new MosaicError('MOSAIC_ERR_AUTH_MISSING'));
    const match = /^Bearer ([A-Za-z0-9_.~+/-]+=*)$/.exec(header);
    if (!match) return next(new MosaicError('MOSAIC_ERR_AUTH_INVALID'));
    const token = match[1]!;
    const local = users.authenticate(token);
    if (local || !oidc || token.split('.').length !== 3) {
      if (!local) return next(new MosaicError('MOSAIC_ERR_AUTH_INVALID'));
      req.user = local;
      return next();
    }
    oidc.verify(token).then((user) => {
      if (!user) return next(new MosaicError('MOSAIC_ERR_AUTH_INVALID'));
      req.user = user;
      next();
    }, next);
  };
}

/** Allow only the listed roles; every endpoint names its roles explicitly. */
export function requireRole(...roles: Role[]): RequestHandler {
  return function checkRole(req: Request, _res: Response, next: NextFunction) {
    if (!req.user || !roles.includes(req.user.role))
      return next(new MosaicError('MOSAIC_ERR_AUTH_FORBIDDEN'));
    next();
  };
}
