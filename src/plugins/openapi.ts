// The OpenAPI 3.1 document, generated from the same TypeBox schemas that validate requests;
// served at /openapi.json, browsable at /docs, and written to openapi/openapi.json by `npm run openapi`.

import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const API_VERSION = '1.0.0'

/** Stable operation ids, the names generated clients give their functions. */
const OPERATION_IDS: Record<string, string> = {
  'get /health/live': 'getLiveness',
  'get /health/ready': 'getReadiness',
  'post /v1/evaluations': 'evaluateApplication',
  'get /v1/measures': 'listMeasures',
  'get /v1/measures/{id}': 'getMeasure',
  'get /v1/parameters': 'listParameters',
  'get /v1/parameters/{name}': 'getParameter',
  'post /v1/finance/land-development-fund': 'computeLandDevelopmentFund',
  'post /v1/finance/park-tax-retention': 'computeParkTaxRetention',
  'post /v1/finance/fund-concentration': 'computeFundConcentration',
  'get /v1/indicators': 'listIndicators',
  'post /v1/indicators/progress': 'computeIndicatorProgress',
  'post /v1/applications': 'submitApplication',
  'get /v1/applications': 'listApplications',
  'get /v1/applications/{id}': 'getApplication',
  'get /v1/decisions/{id}': 'getDecision',
  'get /v1/enterprises/{creditCode}/ledger': 'getEnterpriseLedger',
  'post /v1/decisions/{id}/replay': 'replayDecision',
  'post /v1/batches/{id}/retry': 'retryBatch',
  'post /v1/batches/{id}/cancel': 'cancelBatch',
  'post /v1/decisions/{id}/corrections': 'correctDecision',
  'post /v1/keys': 'createApiKey',
  'get /v1/keys': 'listApiKeys',
  'delete /v1/keys/{id}': 'revokeApiKey',
  'get /v1/keys/{id}': 'getApiKey',
  'get /v1/reasons': 'listReasons',
  'get /v1/prefectures': 'listPrefectures',
  'get /problems/{type}': 'getProblemType',
  'get /v1/audit/entries': 'listAuditEntries',
  'get /v1/audit/checkpoint': 'getAuditCheckpoint',
  'get /v1/audit/verify': 'verifyAuditLog',
  'put /v1/budgets/{year}/{measure}': 'setBudget',
  'put /v1/budgets/{year}/{measure}/{prefecture}': 'setPrefectureBudget',
  'get /v1/budgets': 'listBudgets',
  'get /v1/budgets/{year}/{measure}': 'getBudget',
  'get /v1/budgets/{year}/{measure}/{prefecture}': 'getPrefectureBudget',
  'post /v1/batches': 'uploadBatch',
  'get /v1/batches': 'listBatches',
  'get /v1/batches/template.csv': 'getBatchTemplateCsv',
  'get /v1/batches/template.xlsx': 'getBatchTemplateXlsx',
  'get /v1/batches/{id}': 'getBatch',
  'get /v1/batches/{id}/results': 'getBatchResults',
  'get /v1/reports/grants': 'getGrantReport',
  'get /v1/finance/fund-concentration': 'getFundConcentrationFromDisbursements',
}

/** A route not in the table still gets a readable, unique id: get /v1/enterprises/{code}/ledger → getEnterprisesCodeLedger. */
const generatedOperationId = (method: string, path: string): string =>
  method +
  path
    .replace(/^\/v1/, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
})

interface Operation {
  operationId?: string
  security?: unknown[]
  requestBody?: unknown
  responses: Record<
    string,
    { content?: Record<string, { schema?: { $ref?: string } }>; headers?: Record<string, unknown> }
  >
}

const header = (description: string, type: 'string' | 'integer' = 'string', format?: string) => ({
  description,
  schema: { type, ...(format ? { format } : {}) },
})

/** The response headers the plugins send (src/plugins), declared once and referred to. */
export const RESPONSE_HEADERS = {
  'X-Request-Id': header(
    'The id of this request in the service’s logs (a UUID; quote it when reporting a problem).',
  ),
  'RateLimit-Limit': header(
    'Requests allowed per window for this caller (draft-ietf-httpapi-ratelimit-headers).',
    'integer',
  ),
  'RateLimit-Remaining': header('Requests left in the current window.', 'integer'),
  'RateLimit-Reset': header('Seconds until the window resets.', 'integer'),
  'Retry-After': header('Seconds to wait before retrying (RFC 9110 §10.2.3).', 'integer'),
  'WWW-Authenticate': header('The scheme the key is sent with: Bearer (RFC 6750).'),
  Location: header('Where the resource created or concerned is read.', 'string', 'uri-reference'),
  'Preference-Applied': header(
    'explain=full when `Prefer: return=representation; explain=full` was honoured (RFC 7240).',
  ),
}

const headerRef = (name: keyof typeof RESPONSE_HEADERS) => ({ $ref: `#/components/headers/${name}` })

/** Response headers some operations send besides the shared ones: operation id → status → names. */
const OPERATION_HEADERS: Record<string, Record<string, (keyof typeof RESPONSE_HEADERS)[]>> = {
  submitApplication: { '201': ['Location'] },
  createApiKey: { '201': ['Location'] },
  correctDecision: { '201': ['Location'] },
  uploadBatch: { '200': ['Location'], '202': ['Location'] },
  retryBatch: { '200': ['Location'], '202': ['Location'] },
  cancelBatch: { '200': ['Location'] },
  evaluateApplication: { '200': ['Preference-Applied'] },
  getApplication: { '200': ['Preference-Applied'] },
  getDecision: { '200': ['Preference-Applied'] },
}

/**
 * What every operation shares, added once here rather than in each route: its operation id,
 * `security: []` when it needs no key, the problems any route can answer (a bad key is refused
 * everywhere: 401; limits: 429; a body too large or not JSON: 413, 415; a path parameter the router
 * refuses: 400, 414), the headers the plugins send with every answer (RESPONSE_HEADERS), and problem
 * bodies under their real media type, application/problem+json.
 */
export const completeOperations = (document: { paths?: Record<string, Record<string, Operation>> }) => {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      operation.operationId ??= OPERATION_IDS[`${method} ${path}`] ?? generatedOperationId(method, path)
      operation.security ??= []
      const responses = operation.responses
      for (const response of Object.values(responses)) {
        const json = response.content?.['application/json']
        if (json?.schema?.$ref === '#/components/schemas/Problem') {
          response.content = { 'application/problem+json': json }
        }
      }
      responses['401'] ??= problemResponse(
        'Unauthorized: the Authorization header is malformed, or the key unknown or revoked (RFC 9457).',
      )
      // the shared headers are added below, once every response is here
      // /health is never rate limited (probes), so it never answers 429.
      if (!path.startsWith('/health/')) {
        responses['429'] ??= problemResponse(
          'Too many requests: see Retry-After and the RateLimit headers (RFC 9457).',
        )
      }
      // The router's own refusals, before any route runs (src/plugins/client-errors.ts): a path
      // parameter longer than it takes, or %-escapes that are not UTF-8.
      if (path.includes('{')) {
        responses['400'] ??= problemResponse(
          'A path parameter is malformed: its %-escapes are not UTF-8, or it is not as described (RFC 9457).',
        )
        responses['414'] ??= problemResponse('A path parameter is longer than the router takes (RFC 9457).')
      }
      if (operation.requestBody) {
        responses['413'] ??= problemResponse('The body is larger than 1 MiB (RFC 9457).')
        responses['415'] ??= problemResponse('The body is not application/json (RFC 9457).')
      }
      for (const [status, response] of Object.entries(responses)) {
        const names: (keyof typeof RESPONSE_HEADERS)[] = [
          'X-Request-Id',
          // /health is never rate limited
          ...(path.startsWith('/health/')
            ? []
            : (['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'] as const)),
          ...(status === '401' ? (['WWW-Authenticate'] as const) : []),
          ...(status === '429' || status === '503' ? (['Retry-After'] as const) : []),
          ...(OPERATION_HEADERS[operation.operationId]?.[status] ?? []),
        ]
        response.headers = {
          ...response.headers,
          ...Object.fromEntries(names.map((n) => [n, headerRef(n)])),
        }
      }
    }
  }
  return document
}

export default fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Yunnan industrial-policy incentives',
          version: API_VERSION,
          description:
            'Rules-as-code for the 2014 Yunnan Opinions on accelerating industrial transformation and upgrading: ' +
            'which incentives a project is entitled to, the exact amounts, a clause-by-clause explanation of every ' +
            'decision, ledgers that hold caps across applications, and a tamper-evident audit trail. Amounts are ' +
            'yuan as decimal strings with two decimals. Errors are RFC 9457 problem details. Requests are rate ' +
            'limited per API key (per client address without one): 429 with Retry-After and RateLimit headers. ' +
            'Responses of 1 KiB or more are compressed when Accept-Encoding allows it (br, gzip or deflate; ' +
            'Content-Encoding says which, and Vary names Accept-Encoding).',
          license: { name: 'UNLICENSED', identifier: 'LicenseRef-Proprietary' },
        },
        servers: [{ url: '/', description: 'The instance serving this document.' }],
        components: {
          securitySchemes: {
            apiKey: {
              type: 'http',
              scheme: 'bearer',
              description:
                'An API key: `Authorization: Bearer yik_…`. Keys carry a role (enterprise, finance, auditor, admin); ' +
                '`npm run keys:create` prints a new one, and the first start prints an admin key.',
            },
          },
        },
        tags: [
          { name: 'health', description: 'Liveness and readiness.' },
          { name: 'evaluation', description: 'Stateless evaluation: what is this project entitled to?' },
          { name: 'reference', description: 'The measures and their dated parameters.' },
          { name: 'finance', description: 'Computations for the finance bureau (POLICY.md §3).' },
          { name: 'indicators', description: 'Monitoring indicators (POLICY.md §4).' },
          {
            name: 'reports',
            description: 'Totals of the stored decisions for the finance bureau: JSON, CSV and XLSX.',
          },
          {
            name: 'applications',
            description: 'Applications and their immutable decisions, with ledgers and replay.',
          },
          { name: 'keys', description: 'API keys and roles (admin).' },
          {
            name: 'budgets',
            description:
              'Budget pools (POLICY.md §3): a year’s budget per measure, province-wide or per prefecture; approvals draw it in submission order, then outcomes are unfunded and wait for a top-up.',
          },
          {
            name: 'audit',
            description:
              'The tamper-evident audit trail (auditor, finance): entries, checkpoints (RFC 6962 Merkle roots) and verification.',
          },
        ],
      },
      // Keep shared schemas under their own names (#/components/schemas/Problem) instead of def-0.
      refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json['$id'] ?? `def-${i}`) },
      transformObject: (documentObject) => {
        const document = (
          documentObject as {
            openapiObject: Parameters<typeof completeOperations>[0] & {
              components?: { headers?: Record<string, unknown> }
            }
          }
        ).openapiObject
        document.components = { ...document.components, headers: RESPONSE_HEADERS }
        return completeOperations(document)
      },
    })
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      uiConfig: { docExpansion: 'list', deepLinking: true },
    })
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  },
  { name: 'openapi' },
)
