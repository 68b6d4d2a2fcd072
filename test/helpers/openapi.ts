// The committed OpenAPI document as the tests read it: its operations, and an Ajv that validates
// a response body against the schema the document declares for that operation and status.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

export interface Operation {
  method: string
  /** the OpenAPI path, e.g. /v1/applications/{id} */
  path: string
  operationId: string
  secured: boolean
  hasBody: boolean
  query: boolean
  /** it requires an Idempotency-Key header */
  idempotent: boolean
  responses: Record<
    string,
    { content?: Record<string, { schema: unknown }>; headers?: Record<string, unknown> }
  >
}

// biome-ignore lint/suspicious/noExplicitAny: the document is JSON, read structurally
export const openapiDocument: any = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'openapi', 'openapi.json'), 'utf8'),
)

export const operations: Operation[] = Object.entries(openapiDocument.paths).flatMap(([path, item]) =>
  // biome-ignore lint/suspicious/noExplicitAny: see above
  Object.entries(item as Record<string, any>).map(([method, op]) => ({
    method,
    path,
    operationId: op.operationId,
    secured: Array.isArray(op.security) && op.security.length > 0,
    hasBody: op.requestBody !== undefined,
    query: (op.parameters ?? []).some((p: { in: string }) => p.in === 'query'),
    idempotent: (op.parameters ?? []).some(
      (p: { in: string; name: string }) => p.in === 'header' && p.name === 'idempotency-key',
    ),
    responses: op.responses,
  })),
)

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true })
;(addFormats as unknown as (a: Ajv2020) => void)(ajv)
ajv.addSchema({ ...openapiDocument, $id: 'openapi.json' })

const pointerPart = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1')
const validators = new Map<string, ReturnType<typeof ajv.compile>>()

/**
 * Checks a response against the document: the status is declared for the operation, and the body
 * is valid against the declared schema of its media type. Returns what is wrong, or null.
 */
export const responseProblem = (
  op: Operation,
  status: number,
  contentType: string | undefined,
  body: string,
): string | null => {
  const declared = op.responses[String(status)]
  if (!declared) return `status ${status} is not declared for ${op.operationId}`
  const mediaType = (contentType ?? '').split(';')[0]!.trim()
  if (!declared.content) return body === '' ? null : `a body was sent where none is declared`
  if (!declared.content[mediaType]) {
    return `media type ${mediaType} not declared for ${status} (${Object.keys(declared.content).join(', ')})`
  }
  const ref =
    `openapi.json#/paths/${pointerPart(op.path)}/${op.method}/responses/${status}/content/` +
    `${pointerPart(mediaType)}/schema`
  let validate = validators.get(ref)
  if (!validate) {
    validate = ajv.compile({ $ref: ref })
    validators.set(ref, validate)
  }
  // CSV, XLSX and JSON Lines (batches): the media type is checked, the bytes are the route tests' to read.
  if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) return null
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return `the body is not JSON: ${body.slice(0, 200)}`
  }
  return validate(json) ? null : ajv.errorsText(validate.errors, { dataVar: 'body' })
}

/** The response headers of the service's own (RESPONSE_HEADERS, src/plugins/openapi.ts), lower case. */
const OWN_HEADERS = Object.keys(openapiDocument.components?.headers ?? {}).map((h) => h.toLowerCase())

/**
 * The service's own headers a response sent that the document does not declare for its operation
 * and status (names are case-insensitive).
 */
export const undeclaredHeaders = (
  op: Operation,
  status: number,
  headers: Record<string, unknown>,
): string[] => {
  const declared = new Set(
    Object.keys(op.responses[String(status)]?.headers ?? {}).map((h) => h.toLowerCase()),
  )
  return Object.keys(headers)
    .map((h) => h.toLowerCase())
    .filter((h) => OWN_HEADERS.includes(h) && !declared.has(h))
}
