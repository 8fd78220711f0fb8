/** Public JWKs accepted in trust lists: P-256 for ES256 and Ed25519 for EdDSA. `kid` is the RFC 7638 thumbprint. */
export const publicJwkSchema = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['kty', 'crv', 'x', 'y', 'kid'],
      properties: {
        kty: { const: 'EC' },
        crv: { const: 'P-256' },
        x: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
        y: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
        kid: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
        alg: { const: 'ES256' },
        use: { const: 'sig' },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kty', 'crv', 'x', 'kid'],
      properties: {
        kty: { const: 'OKP' },
        crv: { const: 'Ed25519' },
        x: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
        kid: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
        alg: { const: 'EdDSA' },
        use: { const: 'sig' },
      },
    },
  ],
} as const;

export const jwksSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['keys'],
  properties: { keys: { type: 'array', minItems: 1, maxItems: 8, items: publicJwkSchema } },
} as const;
