import { createHash } from 'node:crypto';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { NodeConfig } from '../../contracts/index.js';
import type { Role, User } from './store.js';

type OidcConfig = NonNullable<NodeConfig['oidc']>;

/**
 * Verifies access tokens from the agency's identity provider against its JWKS (fetched and cached by jose)
 * and maps a claim to a Mosaic role. The user's pseudonym is derived from `iss` and `sub`, so it is stable
 * across sessions and reveals neither.
 */
export class OidcVerifier {
  readonly #config: OidcConfig;
  readonly #jwks: ReturnType<typeof createRemoteJWKSet>;
  readonly #clock: () => number;

  constructor(config: OidcConfig, clock: () => number) {
    this.#config = config;
    this.#jwks = createRemoteJWKSet(new URL(config.jwksUri), {
      timeoutDuration: 5000,
      cooldownDuration: 30_000,
    });
    this.#clock = clock;
  }

  /** The user the token stands for, or undefined when it does not verify or maps to no role. */
  async verify(token: string): Promise<User | undefined> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#jwks, {
        issuer: this.#config.issuer,
        audience: this.#config.audience,
        algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
        currentDate: new Date(this.#clock()),
        clockTolerance: 30,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch {
      return undefined;
    }
    const role = this.#role(payload[this.#config.roleClaim]);
    if (!role || typeof payload.sub !== 'string') return undefined;
    const name = payload[this.#config.usernameClaim];
    const digest = createHash('sha256').update(`${payload.iss}\n${payload.sub}`).digest('hex');
    return {
      id: `oidc:${digest.slice(0, 32)}`,
      name: typeof name === 'string' ? name.slice(0, 64) : payload.sub.slice(0, 64),
      role,
      pseudonym: `o-${digest.slice(0, 16)}`,
    };
  }

  #role(claim: unknown): Role | undefined {
    const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(' ') : [];
    for (const [idpValue, role] of Object.entries(this.#config.roleMap)) {
      if (values.includes(idpValue)) return role;
    }
    return undefined;
  }
}
