// The OpenAPI 3.1 document, generated from the same TypeBox schemas that validate requests;
// served at /openapi.json, browsable at /docs, and written to openapi/openapi.json by `npm run openapi`.

import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const API_VERSION = '1.0.0'

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
            'yuan as decimal strings with two decimals. Errors are RFC 9457 problem details.',
        },
        servers: [{ url: '/' }],
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
            name: 'applications',
            description: 'Applications and their immutable decisions, with ledgers and replay.',
          },
          { name: 'keys', description: 'API keys and roles (admin).' },
          {
            name: 'audit',
            description:
              'The tamper-evident audit trail (auditor, finance): entries, checkpoints (RFC 6962 Merkle roots) and verification.',
          },
        ],
      },
      // Keep shared schemas under their own names (#/components/schemas/Problem) instead of def-0.
      refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json['$id'] ?? `def-${i}`) },
    })
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      uiConfig: { docExpansion: 'list', deepLinking: true },
    })
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  },
  { name: 'openapi' },
)
