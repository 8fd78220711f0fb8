/** RFC 9457 problem document as Mosaic emits it. */
export const problemSchema = {
  $id: 'urn:mosaic:schema:problem',
  type: 'object',
  additionalProperties: false,
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', maxLength: 256 },
    title: { type: 'string', maxLength: 512 },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    code: { type: 'string', pattern: '^MOSAIC_ERR_[A-Z0-9_]+$' },
    issues: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
    traceId: { type: 'string', pattern: '^[0-9a-f]{32}$' },
  },
} as const;
