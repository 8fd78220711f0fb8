import { problemSchema } from '../../contracts/index.js';
import type { RouteDef } from './routes.js';

/** Build the OpenAPI 3.1 document of the API from the route table. JSON Schema 2020-12 is OAS 3.1's dialect. */
export function openApiDocument(routes: readonly RouteDef[], version: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const r of routes) {
    const path = `/api/v1${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
    const params = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const query = Object.entries(r.query ?? {}).map(([name, schema]) => ({
      name,
      in: 'query',
      required: false,
      schema,
    }));
    paths[path] ??= {};
    paths[path][r.method] = {
      operationId: r.operationId,
      summary: r.summary,
      description: `Roles: ${r.roles.join(', ')}.`,
      'x-mosaic-roles': r.roles,
      ...(params.length + query.length > 0 ? { parameters: [...params, ...query] } : {}),
      ...(r.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: stripIds(r.body) } } } }
        : {}),
      responses: {
        [String(r.success.status)]: {
          description: r.success.description,
          ...(r.success.schema || r.success.contentType
            ? {
                content: {
                  [r.success.contentType ?? 'application/json']: r.success.schema
                    ? { schema: stripIds(r.success.schema) }
                    : {},
                },
              }
            : {}),
        },
        default: {
          description: 'A coded problem (RFC 9457); see docs/errors.md.',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mosaic node API',
      version,
      description:
        'The analyst, disclosure-officer and auditor API of one Mosaic node. Peer-to-peer traffic uses the separate mTLS listener (docs/protocol.md).',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token from `mosaic user add`, or an OIDC access token where configured.',
        },
      },
      schemas: { Problem: stripIds(problemSchema) },
    },
    paths,
  };
}

/** `$id` inside an embedded schema would re-base `$ref`s; drop it when embedding. */
function stripIds(schema: object): object {
  const { $id: _id, ...rest } = schema as { $id?: string };
  return rest;
}
