import { agencyId, countryCode, shortText } from './common.js';

const listener = {
  type: 'object',
  additionalProperties: false,
  required: ['port'],
  properties: {
    host: { type: 'string', minLength: 1, maxLength: 255, default: '127.0.0.1' },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
  },
} as const;

const filePath = { type: 'string', minLength: 1, maxLength: 4096 } as const;

/**
 * The node configuration file (YAML). Relative paths resolve against the file's directory. Closed: unknown
 * keys are errors. Secrets are never here: passphrases come from files or the environment.
 */
export const nodeConfigSchema = {
  $id: 'urn:mosaic:schema:node-config',
  type: 'object',
  additionalProperties: false,
  required: ['agency', 'endpoint', 'listen', 'tls', 'signing', 'trustList', 'audit'],
  properties: {
    agency: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'country'],
      properties: { id: agencyId, name: shortText, country: countryCode },
    },
    endpoint: { type: 'string', format: 'uri', pattern: '^https://', maxLength: 512 },
    dataDir: { ...filePath, default: 'data' },
    listen: {
      type: 'object',
      additionalProperties: false,
      required: ['peer', 'api'],
      properties: { peer: listener, api: listener },
    },
    tls: {
      type: 'object',
      additionalProperties: false,
      required: ['key', 'cert', 'ca'],
      properties: {
        key: filePath,
        cert: filePath,
        ca: filePath,
        crl: filePath,
        passphraseFile: filePath,
      },
    },
    signing: {
      type: 'object',
      additionalProperties: false,
      required: ['key'],
      properties: {
        key: { ...filePath, description: 'PKCS#8 PEM of the JWS signing key (P-256 or Ed25519).' },
        passphraseFile: filePath,
      },
    },
    trustList: {
      type: 'object',
      additionalProperties: false,
      required: ['source', 'anchors'],
      properties: {
        source: { ...filePath, description: 'A file path or an https:// URL of the signed trust list.' },
        anchors: { ...filePath, description: 'The federation authority public keys (JSON).' },
        sourceCa: { ...filePath, description: 'PEM CA to trust for an https:// source, if not a public CA.' },
        maxAgeSeconds: { type: 'integer', minimum: 60, maximum: 31536000, default: 86400 },
        refreshSeconds: { type: 'integer', minimum: 5, maximum: 86400, default: 300 },
      },
    },
    policies: {
      type: 'object',
      additionalProperties: false,
      required: ['dir'],
      description: 'The sharing-policy bundle (docs/policies.md). Without it the node denies every query.',
      properties: {
        dir: { ...filePath, description: 'Directory of the policy bundle.' },
        requireSignedBy: {
          ...filePath,
          description: 'Public JWK (JSON) of the policy officer who must sign it.',
        },
      },
    },
    data: {
      type: 'object',
      additionalProperties: false,
      required: ['path'],
      description: 'The embedded SQLite data connector (docs/matching.md).',
      properties: {
        path: { ...filePath, description: 'SQLite file holding the datasets.' },
        cacheRecords: {
          type: 'integer',
          minimum: 0,
          maximum: 10_000_000,
          default: 200_000,
          description:
            'Candidate records (parsed matching features) kept in memory between queries, about 650 bytes each; 0 turns the cache off. Dropped whenever the data file changes.',
        },
        matchWorkers: {
          type: 'integer',
          minimum: 0,
          maximum: 16,
          description:
            'Worker threads running the match step of peer queries, each with its own read-only connection and candidate cache; 0 matches on the event-loop thread. Default: one per core beyond the first, at most 4.',
        },
      },
    },
    audit: {
      type: 'object',
      additionalProperties: false,
      required: ['logKey', 'witnessKey'],
      description:
        'The tamper-evident audit ledger (docs/audit.md). Every exchange is recorded before it is answered.',
      properties: {
        logKey: { ...filePath, description: 'Ed25519 key (PKCS#8 PEM) that signs the log checkpoints.' },
        witnessKey: {
          ...filePath,
          description: 'Ed25519 key (PKCS#8 PEM) with which this node cosigns peers’ checkpoints.',
        },
        checkpointEvery: { type: 'integer', minimum: 1, maximum: 1000000, default: 256 },
        checkpointIntervalMs: { type: 'integer', minimum: 0, maximum: 3600000, default: 1000 },
        cosignIntervalSeconds: {
          type: 'integer',
          minimum: 0,
          maximum: 86400,
          default: 60,
          description: 'How often to ask peers to cosign the latest checkpoint (0: only on demand).',
        },
        maxDatabaseBytes: {
          type: 'integer',
          minimum: 65536,
          description: 'A disk budget for the ledger file.',
        },
      },
    },
    oidc: {
      type: 'object',
      additionalProperties: false,
      required: ['issuer', 'audience', 'jwksUri', 'roleMap'],
      description: "Accept the agency identity provider's access tokens as well as local API tokens.",
      properties: {
        issuer: { type: 'string', minLength: 1, maxLength: 512 },
        audience: { type: 'string', minLength: 1, maxLength: 512 },
        jwksUri: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 1024 },
        roleClaim: { type: 'string', minLength: 1, maxLength: 128, default: 'roles' },
        usernameClaim: { type: 'string', minLength: 1, maxLength: 128, default: 'preferred_username' },
        roleMap: {
          type: 'object',
          minProperties: 1,
          maxProperties: 64,
          additionalProperties: { enum: ['analyst', 'disclosure-officer', 'auditor', 'admin'] },
          description: 'Identity-provider role or group value → Mosaic role; the first listed match wins.',
        },
      },
    },
    api: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'The analyst, officer and auditor API (`/api/v1/`).',
      properties: {
        searchLimits: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description:
            'Searches (and pivots) one analyst may start; over either limit a search is refused with 429 before any query is signed or sent.',
          properties: {
            perMinute: { type: 'integer', minimum: 1, maximum: 100000, default: 30 },
            perDay: { type: 'integer', minimum: 1, maximum: 10000000, default: 1000 },
          },
        },
      },
    },
    enumerationWatch: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description:
        "When a peer's queries look like bulk extraction: mosaic_peer_enumeration_suspected{peer}, a warning in the log and a ledger admin event (docs/operations.md).",
      properties: {
        windowSeconds: { type: 'integer', minimum: 60, maximum: 604800, default: 3600 },
        distinctSubjects: {
          type: 'integer',
          minimum: 2,
          maximum: 1000000,
          default: 200,
          description: 'Distinct subjects one peer asks about in one window, at least.',
        },
        hitRatio: {
          type: 'number',
          minimum: 0,
          maximum: 1,
          default: 0.5,
          description: "Share of the window's queries that found something, at least.",
        },
      },
    },
    telemetry: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        otlpEndpoint: {
          type: 'string',
          format: 'uri',
          pattern: '^https?://',
          description: 'OTLP/HTTP traces endpoint; tracing export is off when absent.',
        },
        propagateTraceContext: {
          type: 'boolean',
          default: true,
          description: 'Send and accept W3C trace context with peer queries (switch off per federation).',
        },
      },
    },
    protocol: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        clockToleranceSeconds: { type: 'integer', minimum: 0, maximum: 600, default: 30 },
        maxQueryLifetimeSeconds: { type: 'integer', minimum: 5, maximum: 3600, default: 120 },
        hitRefDays: {
          type: 'integer',
          minimum: 1,
          maximum: 3650,
          default: 90,
          description:
            'Days a hit reference can be used for step 2; older ones are refused like unknown ones and deleted.',
        },
        maxOpenDisclosuresPerPeer: {
          type: 'integer',
          minimum: 1,
          maximum: 100000,
          default: 50,
          description:
            "Step-2 requests from one peer that may wait in the officers' inbox at once; more are refused (429).",
        },
        maxBodyBytes: { type: 'integer', minimum: 1024, maximum: 10485760, default: 65536 },
        requestTimeoutMs: { type: 'integer', minimum: 100, maximum: 120000, default: 10000 },
        rateLimit: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'Per-peer token bucket on the peer listener.',
          properties: {
            perSecond: { type: 'number', exclusiveMinimum: 0, maximum: 100000, default: 500 },
            burst: { type: 'integer', minimum: 1, maximum: 1000000, default: 1000 },
          },
        },
      },
    },
  },
} as const;
