import { agencyId, base64urlSha256, countryCode, identifier, shortText } from './common.js';
import { jwksSchema } from './jwk.js';

/** The payload of a trust list JWS, signed by a federation authority key. */
export const trustListSchema = {
  $id: 'urn:mosaic:schema:trust-list',
  type: 'object',
  additionalProperties: false,
  required: ['federation', 'version', 'issuedAt', 'expiresAt', 'members'],
  properties: {
    federation: identifier,
    version: { type: 'integer', minimum: 1, maximum: 9007199254740991 },
    issuedAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
    purposes: {
      type: 'array',
      maxItems: 256,
      uniqueItems: true,
      items: identifier,
      description: 'The federation vocabulary of query purposes; policies may only name these.',
    },
    members: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['agencyId', 'name', 'country', 'endpoint', 'tlsPins', 'jwks', 'groups'],
        properties: {
          agencyId,
          name: shortText,
          country: countryCode,
          endpoint: { type: 'string', format: 'uri', pattern: '^https://', maxLength: 512 },
          tlsPins: {
            type: 'array',
            minItems: 1,
            maxItems: 4,
            uniqueItems: true,
            items: base64urlSha256,
            description: 'SHA-256 of the DER SubjectPublicKeyInfo, base64url: the current pin and the next.',
          },
          jwks: jwksSchema,
          groups: { type: 'array', maxItems: 64, uniqueItems: true, items: identifier },
          logKey: { type: 'string', maxLength: 512, description: 'C2SP note verifier key of the audit log.' },
          witnessKey: {
            type: 'string',
            maxLength: 512,
            description:
              'C2SP verifier key (cosignature/v1) with which this member cosigns peers’ checkpoints.',
          },
          validFrom: { type: 'string', format: 'date-time' },
          validUntil: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
} as const;

/** The authority anchors a node trusts: public keys that may sign trust lists. */
export const trustAnchorsSchema = {
  $id: 'urn:mosaic:schema:trust-anchors',
  type: 'object',
  additionalProperties: false,
  required: ['federation', 'keys'],
  properties: {
    federation: identifier,
    keys: jwksSchema.properties.keys,
  },
} as const;
